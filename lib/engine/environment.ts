import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSpecOf, resolveEnvironment } from "../catalog/environments";
import type { Db } from "../db/client";
import { EnvironmentCache } from "../environments/cache";
import { AppError, errorMessage } from "../errors";

/** A step's environment, built on this machine and held in use until `release`. */
export interface StepEnvironment {
  /** "name:version" as pinned for this step. */
  label: string;
  contentHash: string;
  /** The folder whose node_modules the entry script's imports resolve from first. */
  dir: string;
  variables: Record<string, string>;
  /** What it was built from besides the lock (an agent builds the same environment with them). */
  trustedScripts: string[];
  nodeMajor: number;
  release(): void;
}

/** Where a step's copy of the environment's build log goes: shown with the step's other logs. */
export const environmentLogPath = (logDir: string) => join(logDir, "sys", "environment", "build_log.txt");

const caches = new Map<string, EnvironmentCache>();

/** One cache object per folder and process, so builds of one hash in one process are shared. */
export function environmentCache(root: string, limitBytes?: number): EnvironmentCache {
  let cache = caches.get(root);
  if (!cache) {
    cache = new EnvironmentCache(root, { limitBytes });
    caches.set(root, cache);
  }
  return cache;
}

/**
 * Resolves the step's `environment` to a registered version and makes sure it is built in the
 * machine's cache (building it now on first use). Its build log is copied into the step's logs;
 * a failed build fails the step with npm's error in one sentence.
 */
export async function prepareStepEnvironment(db: Db, cache: EnvironmentCache, ref: string, stepName: string, logDir: string): Promise<StepEnvironment> {
  const view = await resolveEnvironment(db, ref);
  const spec = buildSpecOf(view);
  const logCopy = environmentLogPath(logDir);
  mkdirSync(join(logDir, "sys", "environment"), { recursive: true });
  const release = cache.use(spec.contentHash);
  try {
    const built = await cache.ensure(spec);
    const note = built.built ? `built now for step ${stepName}` : "taken from this machine's cache (built earlier)";
    writeFileSync(logCopy, `Environment ${spec.label} (${spec.contentHash.slice(0, 12)}): ${note}\n\n`);
    if (existsSync(built.logPath)) copyLog(built.logPath, logCopy);
    return {
      label: spec.label,
      contentHash: spec.contentHash,
      dir: built.dir,
      variables: view.variables,
      trustedScripts: spec.trustedScripts,
      nodeMajor: spec.nodeMajor,
      release,
    };
  } catch (error) {
    release();
    if (existsSync(cache.logOf(spec.contentHash))) {
      writeFileSync(logCopy, `Environment ${spec.label} (${spec.contentHash.slice(0, 12)}) failed to build for step ${stepName}\n\n`);
      copyLog(cache.logOf(spec.contentHash), logCopy);
    }
    if (error instanceof AppError) throw error;
    throw new AppError("script_error", `environment ${spec.label} could not be built: ${errorMessage(error)}`);
  }
}

const copyLog = (from: string, to: string) => appendFileSync(to, readFileSync(from));
