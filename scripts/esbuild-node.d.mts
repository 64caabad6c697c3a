// Types of scripts/esbuild-node.mjs (a plain module run by scripts/build-workers.mjs without a loader).
import type { BuildOptions } from "esbuild";
export declare const NODE_BUNDLE: BuildOptions;
export declare function bundleSplit(options: { name: string; entry: string; outdir: string; sourcemap?: boolean }): Promise<string>;
export declare function bundleFile(entry: string, outfile: string): Promise<string>;
