import { createHash } from "node:crypto";
import { invalid } from "../errors";

/** What an environment is built from: the lock, the packages whose install scripts may run, the Node major. */
export interface EnvironmentBuildSpec {
  /** "name:version", for messages. */
  label: string;
  packageJson: string;
  packageLock: string;
  trustedScripts: string[];
  nodeMajor: number;
  contentHash: string;
}

export interface CheckedEnvironmentFiles {
  /** Direct dependencies and their exact versions. */
  dependencies: Record<string, string>;
  /** Packages the lock installs (direct and transitive). */
  packageCount: number;
}

/** An exact semver version: 1.2.3, 1.2.3-beta.1 (no ranges, tags or URLs). */
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function parseJson(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(`${file} must be a JSON object`);
  return value as Record<string, unknown>;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * Checks that package.json names its dependencies with exact versions and that package-lock.json
 * is a lock of exactly those (what `npm ci` would refuse is refused here, at registration).
 */
export function checkEnvironmentFiles(packageJson: string, packageLock: string): CheckedEnvironmentFiles {
  const pkg = parseJson(packageJson, "package.json");
  const lock = parseJson(packageLock, "package-lock.json");
  const dependencies: Record<string, string> = {};
  for (const [name, spec] of Object.entries(record(pkg.dependencies))) {
    if (typeof spec !== "string" || !EXACT_VERSION.test(spec))
      throw invalid(`package.json: dependency '${name}' must have an exact version (such as 1.2.3), got '${String(spec).slice(0, 100)}'`);
    dependencies[name] = spec;
  }
  for (const field of ["devDependencies", "optionalDependencies", "peerDependencies"] as const) {
    if (Object.keys(record(pkg[field])).length > 0)
      throw invalid(`package.json: ${field} are not installed in an environment: list every package under dependencies`);
  }
  if (Object.keys(dependencies).length === 0) throw invalid("package.json has no dependencies: an environment needs at least one package");
  const lockVersion = lock.lockfileVersion;
  if (lockVersion !== 2 && lockVersion !== 3)
    throw invalid(`package-lock.json has lockfileVersion ${String(lockVersion)}: regenerate it with npm 7 or later (lockfileVersion 2 or 3)`);
  const packages = record(lock.packages);
  const root = record(packages[""]);
  const locked = record(root.dependencies);
  for (const [name, version] of Object.entries(dependencies)) {
    if (locked[name] !== version)
      throw invalid(
        `package-lock.json does not match package.json: '${name}' is ${version} in package.json but ${locked[name] === undefined ? "missing" : `'${String(locked[name])}'`} in the lock; run npm install --package-lock-only`,
      );
    const entry = record(packages[`node_modules/${name}`]);
    if (entry.version !== version) throw invalid(`package-lock.json does not install '${name}' ${version}: run npm install --package-lock-only`);
  }
  for (const name of Object.keys(locked)) {
    if (!(name in dependencies)) throw invalid(`package-lock.json lists '${name}', which package.json does not: run npm install --package-lock-only`);
  }
  const packageCount = Object.keys(packages).filter((key) => key.startsWith("node_modules/") && !record(packages[key]).link).length;
  return { dependencies, packageCount };
}

/** The lock's own text with line endings made alike: a lock saved on Windows is the same environment. */
const normalized = (text: string) => text.replace(/\r\n/g, "\n").trim();

/** The identity of a build: the same lock, trusted scripts and Node major make the same folder. */
export function environmentContentHash(packageLock: string, trustedScripts: string[], nodeMajor: number): string {
  return createHash("sha256")
    .update(normalized(packageLock))
    .update("\0")
    .update([...new Set(trustedScripts)].sort().join(","))
    .update("\0")
    .update(String(nodeMajor))
    .digest("hex");
}

/** Names of the packages the lock installs (node_modules/x, node_modules/a/node_modules/x -> x). */
export function lockedPackageNames(packageLock: string): Set<string> {
  const packages = record(parseJson(packageLock, "package-lock.json").packages);
  const names = new Set<string>();
  for (const key of Object.keys(packages)) {
    const at = key.lastIndexOf("node_modules/");
    if (at >= 0) names.add(key.slice(at + "node_modules/".length));
  }
  return names;
}

export const currentNodeMajor = (): number => Number(process.versions.node.split(".")[0]);
