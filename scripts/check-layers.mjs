// The layer rule of ARCHITECTURE.md: a module imports its own layer and lower ones only.
// Plain Node, no dependencies: every import (static, dynamic, `export ... from`, the `@/` alias)
// in the source folders is resolved to a path, and the path to a layer.
// `node scripts/check-layers.mjs [root]` prints each wrong import and exits 1.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// Low to high. A path belongs to the layer of its longest matching prefix.
export const LAYERS = [
  { level: 0, name: "base", paths: ["lib/contracts", "lib/errors", "lib/ids", "lib/sdk"] },
  { level: 1, name: "domain", paths: ["lib/pipeline", "lib/env", "lib/fs", "lib/image", "lib/onnx", "lib/crypto"] },
  { level: 2, name: "adapters", paths: ["lib/datastores", "lib/datasets", "lib/planning", "lib/scorers", "lib/environments", "lib/db"] },
  { level: 3, name: "catalog", paths: ["lib/catalog"] },
  { level: 4, name: "engine", paths: ["lib/engine", "lib/cluster"] },
  { level: 5, name: "services", paths: ["lib/services", "lib/auth"] },
  { level: 6, name: "http", paths: ["lib/http", "lib/server"] },
  { level: 7, name: "programs", paths: ["app", "components", "cli", "workers", "scripts", "samples", "tests"] },
];

// Storage and compute adapters work on files and blobs; the database is reached from the catalog up.
const NO_DATABASE = ["lib/datastores", "lib/datasets", "lib/planning", "lib/scorers", "lib/environments"];
// components/ is browser code: besides its own folder it imports only these (and `import type` from anything).
const BROWSER_SAFE = ["components", "lib/contracts", "lib/errors", "lib/ids", "lib/pipeline"];
// workers/ holds the engine's process programs: they run the engine, never the use cases above it.
const ENGINE_PROGRAMS = "workers";

const SOURCE_FOLDERS = ["lib", "app", "components", "cli", "workers", "scripts", "samples"];
const SKIPPED = new Set(["node_modules", "generated", ".next", ".build", ".tmp", "data"]);
const SOURCE_FILE = /\.(ts|tsx|mts|mjs|js|jsx)$/;

const under = (path, prefix) => path === prefix || path.startsWith(`${prefix}/`);

function withoutExtension(path) {
  return path.replace(/\.(d\.ts|ts|tsx|mts|mjs|js|jsx)$/, "").replace(/\/index$/, "");
}

export function layerOf(path) {
  const bare = withoutExtension(path);
  let best;
  for (const layer of LAYERS) {
    for (const prefix of layer.paths) {
      if (under(bare, prefix) && (!best || prefix.length > best.prefix.length)) best = { ...layer, prefix };
    }
  }
  return best;
}

// Comments go first so that an example in a comment is not taken for an import (their line breaks
// stay, for the line numbers); strings stay.
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, "")).replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

const IMPORT_PATTERNS = [
  // import x from "m"; import type { X } from "m"; import "m"; export { x } from "m"; export * from "m"
  /(?:^|[;\s])(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"'\n]+)["']/g,
  // import("m"), require("m")
  /(?:\bimport|\brequire)\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
];

export function importsOf(text) {
  const code = stripComments(text);
  const found = [];
  for (const match of code.matchAll(IMPORT_PATTERNS[0])) {
    const typeOnly = Boolean(match[2]) || /^import\s+type\s/.test(match[0].trim());
    const start = match.index + match[0].search(/\S/);
    found.push({ specifier: match[3], typeOnly, line: code.slice(0, start).split("\n").length });
  }
  for (const match of code.matchAll(IMPORT_PATTERNS[1])) {
    found.push({ specifier: match[1], typeOnly: false, line: code.slice(0, match.index).split("\n").length });
  }
  return found;
}

const CANDIDATES = ["", ".ts", ".tsx", ".mts", ".mjs", ".js", "/index.ts", "/index.tsx"];

/** The importee's path relative to the root (the file when it exists), or undefined for a package. */
export function resolveSpecifier(root, fromFile, specifier) {
  let target;
  if (specifier.startsWith("@/")) target = specifier.slice(2);
  else if (specifier.startsWith("./") || specifier.startsWith("../")) target = join(dirname(fromFile), specifier);
  else return undefined;
  target = normalize(target).split(sep).join("/");
  const file = CANDIDATES.map((ending) => target + ending).find((path) => existsSync(join(root, path)) && statSync(join(root, path)).isFile());
  return file ?? target;
}

function listSources(root) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (SKIPPED.has(name) || name.startsWith(".")) continue;
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (SOURCE_FILE.test(name)) files.push(path);
    }
  };
  for (const folder of SOURCE_FOLDERS) {
    try {
      if (statSync(join(root, folder)).isDirectory()) walk(folder);
    } catch {
      // a tree without this folder has nothing in it to check
    }
  }
  return files;
}

function problemWith(file, from, imported, typeOnly) {
  const to = layerOf(imported);
  if (!to)
    return imported.startsWith("lib/") ? `${file} imports ${imported}, which is in no layer: add its folder to LAYERS in scripts/check-layers.mjs` : undefined;
  if (under(file, "components") && !typeOnly && !BROWSER_SAFE.some((p) => under(withoutExtension(imported), p))) {
    return `${file} imports ${imported}: components (browser code) may import only ${BROWSER_SAFE.slice(1).join(", ")} (or \`import type\`)`;
  }
  if (under(file, ENGINE_PROGRAMS) && to.prefix === "lib/services")
    return `${file} imports ${imported}: workers (engine processes) may not import services (L5); move what they need into lib/engine`;
  if (to.level > from.level)
    return `${file} imports ${imported}: ${from.prefix.replace(/^lib\//, "")} (L${from.level}) may not import ${to.prefix.replace(/^lib\//, "")} (L${to.level})`;
  if (NO_DATABASE.includes(from.prefix) && to.prefix === "lib/db")
    return `${file} imports ${imported}: ${from.prefix.replace(/^lib\//, "")} (L${from.level}) may not use the database (lib/db)`;
  return undefined;
}

export function checkLayers(root) {
  const problems = [];
  for (const file of listSources(root)) {
    const from = layerOf(file);
    if (!from) {
      if (under(file, "lib")) problems.push(`${file} is in no layer: add its folder to LAYERS in scripts/check-layers.mjs`);
      continue;
    }
    for (const { specifier, typeOnly, line } of importsOf(readFileSync(join(root, file), "utf8"))) {
      const target = resolveSpecifier(root, file, specifier);
      if (target === undefined) continue;
      const problem = problemWith(`${file}:${line}`, from, target, typeOnly);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkLayers(process.argv[2] ?? fileURLToPath(new URL("..", import.meta.url)));
  if (problems.length) {
    console.error(`${problems.length} import${problems.length === 1 ? "" : "s"} against the layers (ARCHITECTURE.md):`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  console.log("layers: every import goes down or sideways");
}
