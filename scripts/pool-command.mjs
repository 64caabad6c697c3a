// How `npm start` runs the worker pool (the orchestrator process), shared with `npm run bench` so
// the benchmark measures the same program with the same flags.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * V8 flags of the pool process. Prisma's query compiler is a WebAssembly module: with only the
 * baseline compiler (Liftoff) V8 does not keep a second, optimised copy of its code (about 40 MB
 * less resident memory; queries are a few per second on the pool's path, their speed does not
 * show). A young generation of 4 MB semi-spaces instead of 16 MB keeps the heap's reservation
 * small; the pool's garbage is short-lived IPC messages, cheap to scavenge.
 */
export const POOL_NODE_FLAGS = ["--liftoff-only", "--max-semi-space-size=4"];

function newest(dir) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

/**
 * The pool's command line: the esbuild bundle (.build/workers/pool.mjs, scripts/build-workers.mjs)
 * when it is newer than lib/ and workers/: plain JavaScript, no tsx loader in the orchestrator's
 * memory; else `prs worker` through tsx (a checkout edited since its last build still works).
 * @param {string} root the repository
 * @returns {{ args: string[], bundled: boolean }} arguments for process.execPath
 */
export function poolCommand(root) {
  const bundle = join(root, ".build", "workers", "pool.mjs");
  const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(newest(join(root, "lib")), newest(join(root, "workers")));
  return fresh ? { args: [...POOL_NODE_FLAGS, bundle], bundled: true } : { args: [...POOL_NODE_FLAGS, join(root, "bin", "prs.mjs"), "worker"], bundled: false };
}
