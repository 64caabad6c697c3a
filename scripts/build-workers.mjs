// Bundles the worker process runtime and the built-in scorers into .build/ with esbuild, so a
// worker process starts without compiling TypeScript (faster start-up). The agent falls back to
// the TypeScript sources through tsx when the bundle is missing or older than lib/ or workers/.
import { build } from "esbuild";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
  outdir: join(root, ".build"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
