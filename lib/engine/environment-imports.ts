import Module, { isBuiltin, register } from "node:module";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * ESM resolve hook (run in Node's loader thread, so given as source): a bare import (`sharp`,
 * `@scope/x`) from user code resolves in the environment first; when the environment does not
 * have it, resolution goes on as usual (the script's folder, then upwards). Imports made by the
 * environment's own packages, and by the studio's code, resolve as usual: a package gets the
 * dependency versions its lock placed beside it.
 */
const HOOKS = `
import { isBuiltin } from "node:module";
let env;
export async function initialize(data) { env = data; }
const bare = (s) => !s.startsWith(".") && !s.startsWith("/") && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);
const userCode = (parent) => !!parent && parent.startsWith("file:") && !env.skip.some((p) => parent.startsWith(p));
export async function resolve(specifier, context, next) {
  // Node merges the context given to next() into the chain's own: the importer is passed again.
  const parentURL = context.parentURL;
  if (env && bare(specifier) && !isBuiltin(specifier) && userCode(parentURL)) {
    try {
      const found = await next(specifier, { ...context, parentURL: env.parentURL });
      if (found.url.startsWith(env.prefix)) return found;
    } catch {}
  }
  return next(specifier, { ...context, parentURL });
}
`;

const isBare = (s: string) => !s.startsWith(".") && !s.startsWith("/") && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
type ModuleInternals = { _resolveFilename: ResolveFilename; _nodeModulePaths(dir: string): string[] };

/**
 * Makes user code's imports resolve from a built environment (a folder with node_modules) first,
 * for ESM (`import`) and CommonJS (`require`). `studioFolders` are folders of the studio's own code
 * (workers, built-in scorers, its node_modules): their imports are never redirected.
 */
export function resolveImportsFrom(envDir: string, studioFolders: string[]): void {
  const prefix = envDir.endsWith(sep) ? envDir : envDir + sep;
  const skip = [prefix, ...studioFolders.map((f) => (f.endsWith(sep) ? f : f + sep))];
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { parentURL: pathToFileURL(join(envDir, "package.json")).href, prefix: pathToFileURL(prefix).href, skip: skip.map((f) => pathToFileURL(f).href) },
  });
  const internals = Module as unknown as ModuleInternals;
  const original = internals._resolveFilename;
  const envParent = { id: join(envDir, "index.js"), filename: join(envDir, "index.js"), paths: internals._nodeModulePaths(envDir) };
  internals._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    const from = (parent as { filename?: string } | undefined)?.filename;
    if (from && isBare(request) && !isBuiltin(request) && !skip.some((p) => from.startsWith(p))) {
      try {
        const found = original.call(this, request, envParent, isMain, options);
        if (found.startsWith(prefix)) return found;
      } catch {
        // Not in the environment: resolved as usual below.
      }
    }
    return original.call(this, request, parent, isMain, options);
  };
}
