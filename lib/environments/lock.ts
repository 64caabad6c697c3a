import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invalid } from "../errors";
import { npmErrorSentence } from "./npm-errors";
import { runNpm } from "./npm";

export interface LockedFiles {
  packageJson: string;
  packageLock: string;
  dependencies: Record<string, string>;
}

const packageJsonOf = (dependencies: Record<string, string>) =>
  `${JSON.stringify({ name: "prs-environment", version: "1.0.0", private: true, dependencies }, null, 2)}\n`;

/**
 * Turns dependencies (name -> version or range, as typed in the browser) into a package.json
 * with exact versions and its package-lock.json, with `npm install --package-lock-only` against
 * the configured registry. Nothing is installed.
 */
export async function lockDependencies(dependencies: Record<string, string>, timeoutMs = 120_000): Promise<LockedFiles> {
  const work = mkdtempSync(join(tmpdir(), "prs-lock-"));
  const log = join(work, "npm.log");
  try {
    const lock = async (deps: Record<string, string>) => {
      writeFileSync(join(work, "package.json"), packageJsonOf(deps));
      const r = await runNpm(["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=warn"], work, log, timeoutMs);
      if (r.code !== 0) throw invalid(`The dependencies could not be locked: ${npmErrorSentence(r.output, "npm install --package-lock-only")}`);
      return JSON.parse(readFileSync(join(work, "package-lock.json"), "utf8")) as { packages?: Record<string, { version?: string }> };
    };
    const first = await lock(dependencies);
    const exact: Record<string, string> = {};
    for (const name of Object.keys(dependencies).sort()) {
      const version = first.packages?.[`node_modules/${name}`]?.version;
      if (!version) throw invalid(`The dependencies could not be locked: npm chose no version of '${name}'`);
      exact[name] = version;
    }
    // Once more with the exact versions, so package.json and its lock agree as `npm ci` wants.
    await lock(exact);
    return {
      packageJson: readFileSync(join(work, "package.json"), "utf8"),
      packageLock: readFileSync(join(work, "package-lock.json"), "utf8"),
      dependencies: exact,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
