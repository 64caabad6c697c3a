// The worker pool on its own (what `prs worker` runs), bundled by scripts/build-workers.mjs into
// .build/workers/pool.mjs so that `npm start` runs the pool as plain JavaScript: no tsx loader and
// no compiler in the orchestrator's memory. scripts/start.mjs falls back to `prs worker` (tsx)
// when the bundle is missing or older than lib/ or workers/.
import { appContext } from "../lib/server/context";
import { errorMessage } from "../lib/errors";
import { runWorkerPool } from "./pool";

const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
try {
  const ctx = await appContext();
  await runWorkerPool(ctx, { log: (line) => console.log(line), signal: stop.signal });
  process.exit(0);
} catch (error) {
  process.stderr.write(`worker pool: ${errorMessage(error)}\n`);
  process.exit(1);
}
