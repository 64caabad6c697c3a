// Bundles the worker process runtime and the built-in scorers into .build/ with esbuild, so a
// worker process starts without compiling TypeScript (faster start-up). The agent falls back to
// the TypeScript sources through tsx when the bundle is missing or older than lib/ or workers/.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
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
