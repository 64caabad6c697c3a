// Bundles the worker process runtime and the built-in scorers into .build/ with esbuild, so a
// worker process starts without compiling TypeScript (faster start-up). The agent falls back to
// the TypeScript sources through tsx when the bundle is missing or older than lib/ or workers/.
// The agent program (`prs agent`, workers/agent-main.ts) goes to .build/workers/agent.mjs with its
// chunks beside it: lib/engine/runtime.ts finds the repository from its own location (two folders
// up), which holds in .build/workers/ but not at the top of .build/. Split, so packages only some
// datastores use (@azure/storage-blob) load when a step needs them, not at start-up.
// bin/prs.mjs runs it when it is newer than lib/, workers/ and cli/, else cli/main.ts through tsx.
import { build } from "esbuild";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleSplit, NODE_BUNDLE } from "./esbuild-node.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Chunk names change with their content: drop the previous build's so none goes stale.
const out = join(root, ".build");
if (existsSync(out))
  for (const name of readdirSync(out))
    if (/\.mjs(\.map)?$/.test(name) || name === "workers" || name === "scorers") rmSync(join(out, name), { recursive: true, force: true });
await build({
  entryPoints: {
    "workers/child": join(root, "workers/child.ts"),
    "scorers/image-classifier": join(root, "lib/scorers/image-classifier.ts"),
    "scorers/tabular-scorer": join(root, "lib/scorers/tabular-scorer.ts"),
  },
  ...NODE_BUNDLE,
  outdir: out,
  outExtension: { ".js": ".mjs" },
  splitting: true,
  sourcemap: "linked",
});
// The worker pool (`npm start`'s orchestrator, workers/pool-main.ts) the same way, to
// .build/workers/pool.mjs: split so that the cluster code (BullMQ, ioredis) stays in a chunk loaded
// only with REDIS_URL. scripts/start.mjs runs it when it is fresh, else `prs worker` through tsx.
await bundleSplit({ name: "workers/pool", entry: join(root, "workers/pool-main.ts"), outdir: out, sourcemap: true });
await bundleSplit({ name: "workers/agent", entry: join(root, "workers/agent-main.ts"), outdir: out, sourcemap: true });
