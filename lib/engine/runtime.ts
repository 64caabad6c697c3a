import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bundle = join(root, ".build");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let cached: boolean | undefined;

/** Whether the bundled worker runtime (scripts/build-workers.mjs) exists and is up to date. */
function bundleIsFresh(): boolean {
  if (cached === undefined) {
    const child = join(bundle, "workers", "child.mjs");
    cached = existsSync(child) && statSync(child).mtimeMs >= Math.max(newestSource(join(root, "lib")), newestSource(join(root, "workers")));
  }
  return cached;
}

/**
 * How worker processes are started: the esbuild bundle when it is fresh (no TypeScript to compile
 * at start-up), else the TypeScript sources through tsx. Either way the worker registers tsx itself
 * when an entry script is TypeScript.
 */
export function workerRuntime(): { module: string; execArgv: string[] } {
  if (bundleIsFresh()) return { module: join(bundle, "workers", "child.mjs"), execArgv: [] };
  // tsx by its resolved location: a worker's working folder (an agent's) need not see node_modules.
  return { module: join(root, "workers", "child.ts"), execArgv: ["--import", import.meta.resolve("tsx")] };
}

export function scorerModule(kind: "onnx-image-classifier" | "onnx-tabular"): string {
  const name = kind === "onnx-image-classifier" ? "image-classifier" : "tabular-scorer";
  return bundleIsFresh() ? join(bundle, "scorers", `${name}.mjs`) : join(root, "lib", "scorers", `${name}.ts`);
}
