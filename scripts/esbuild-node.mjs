// One way to bundle our TypeScript programs for Node with esbuild, shared by the worker build
// (scripts/build-workers.mjs) and the benchmarks: Node 20 ESM, packages left in node_modules.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { build } from "esbuild";

export const NODE_BUNDLE = { bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "warning" };

/**
 * Bundles `entry` to `<outdir>/<name>.mjs`, split into chunks beside it named `<name>-[name]-[hash]`
 * (so code only some paths need, such as the cluster's, loads only when they run). The previous
 * build's chunks go first: their names change with their content. `name` may hold a folder
 * ("workers/pool"). Returns the bundle's path.
 *
 * @param {{ name: string, entry: string, outdir: string, sourcemap?: boolean }} options
 * @returns {Promise<string>}
 */
export async function bundleSplit({ name, entry, outdir, sourcemap = false }) {
  const folder = join(outdir, dirname(name));
  const prefix = `${basename(name)}-`;
  if (existsSync(folder)) for (const file of readdirSync(folder)) if (file.startsWith(prefix)) rmSync(join(folder, file), { force: true });
  await build({
    ...NODE_BUNDLE,
    entryPoints: { [name]: entry },
    outdir,
    outExtension: { ".js": ".mjs" },
    chunkNames: `${name}-[name]-[hash]`,
    splitting: true,
    ...(sourcemap ? { sourcemap: "linked" } : {}),
  });
  return join(outdir, `${name}.mjs`);
}

/**
 * Bundles `entry` into the single file `outfile` (no chunks).
 *
 * @param {string} entry
 * @param {string} outfile
 * @returns {Promise<string>}
 */
export async function bundleFile(entry, outfile) {
  await build({ ...NODE_BUNDLE, entryPoints: [entry], outfile });
  return outfile;
}
