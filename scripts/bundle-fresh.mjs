// Whether an esbuild bundle (scripts/build-workers.mjs) is newer than every source it was built
// from, for the launchers that run without a TypeScript loader (bin/prs.mjs for `prs agent`,
// scripts/pool-command.mjs for npm start's pool). lib/engine/runtime.ts asks the same of the worker
// runtime's bundle (it is TypeScript, below the scripts in the layers). No esbuild import here:
// every `prs` start loads this module.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The newest modification time below `dir` (Prisma's generated client, rebuilt before every bundle, and node_modules left out). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * @param {string} bundle the bundle's path
 * @param {string[]} sourceDirs the folders it was built from
 * @returns {boolean} true when the bundle exists and no file below those folders is newer
 */
export function bundleIsFresh(bundle, sourceDirs) {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return sourceDirs.every((dir) => newestSource(dir) <= built);
}
