// How `npm start` runs the worker pool (the orchestrator process), shared with `npm run bench` so
// the benchmark measures the same program with the same flags.
import { bundleIsFresh } from "./bundle-fresh.mjs";
import { join } from "node:path";

/**
 * V8 flags of the pool process, chosen for its resident memory (npm run bench prints the
 * breakdown). Prisma's query compiler is a WebAssembly module: with only the baseline compiler
 * (Liftoff) V8 keeps no second, optimised copy of its code (about 40 MB; the pool's queries are a
 * few per second, their speed does not show). Young generation of 8 MB semi-spaces instead of 16,
 * and the old generation allowed to grow 50% past what survived the last full collection: the
 * per-mini-batch garbage (IPC messages, records) is collected before it piles up (a 60,000-image
 * run at mini_batch_size 10 peaked at 217-235 MB without it, 156 MB with it, for about 6% more
 * orchestrator CPU; 20% gave 149 MB for 9% more).
 */
export const POOL_NODE_FLAGS = ["--liftoff-only", "--max-semi-space-size=8", "--heap-growing-percent=50"];

/** Environment of the pool process: at most two glibc malloc arenas (the libuv and database threads would each get one). */
export const POOL_ENV = { MALLOC_ARENA_MAX: "2" };

/**
 * The pool's command line: the esbuild bundle (.build/workers/pool.mjs, scripts/build-workers.mjs)
 * when it is newer than lib/ and workers/: plain JavaScript, no tsx loader in the orchestrator's
 * memory; else `prs worker` through tsx (a checkout edited since its last build still works).
 * @param {string} root the repository
 * @returns {{ args: string[], bundled: boolean }} arguments for process.execPath
 */
export function poolCommand(root) {
  const bundle = join(root, ".build", "workers", "pool.mjs");
  return bundleIsFresh(bundle, [join(root, "lib"), join(root, "workers")])
    ? { args: [...POOL_NODE_FLAGS, bundle], bundled: true }
    : { args: [...POOL_NODE_FLAGS, join(root, "bin", "prs.mjs"), "worker"], bundled: false };
}
