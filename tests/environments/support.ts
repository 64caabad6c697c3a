import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockDependencies, type LockedFiles } from "../../lib/environments/lock";

const locks = new Map<string, Promise<LockedFiles>>();

/** package.json and lock of `name@version`, made once per test process with the real registry. */
export function lockedPackage(name: string, version: string): Promise<LockedFiles> {
  const key = `${name}@${version}`;
  let lock = locks.get(key);
  if (!lock) {
    lock = lockDependencies({ [name]: version });
    locks.set(key, lock);
  }
  return lock;
}

/** The same files naming a package that does not exist in the registry (its tarball URL too). */
export function withMissingPackage(files: LockedFiles, from: string, to: string): { packageJson: string; packageLock: string } {
  const swap = (text: string) => text.split(from).join(to);
  return { packageJson: swap(files.packageJson), packageLock: swap(files.packageLock) };
}

/**
 * An entry script (ESM) that imports is-number and reports the version it got: through `import`
 * (the ESM resolver) and through `require` (CommonJS) of the package's package.json. A package
 * only the script's folder has (prs-local-helper, see `makeLocalHelper`) still resolves from there.
 */
export const VERSION_SCRIPT = `
import isNumber from "is-number";
import { where } from "prs-local-helper";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const version = require("is-number/package.json").version;
export async function run(batch, ctx) {
  return batch.map((f) => ({ file: ctx.relativePath(f), version, isNumber: isNumber("5"), greeting: process.env.GREETING ?? "", helper: where }));
}
`;

/** A package in the script folder's node_modules, which no environment has. */
export function makeLocalHelper(scriptsDir: string): void {
  const dir = join(scriptsDir, "node_modules", "prs-local-helper");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "prs-local-helper", version: "1.0.0", type: "module", main: "index.js" }));
  writeFileSync(join(dir, "index.js"), 'export const where = "script folder";\n');
}
