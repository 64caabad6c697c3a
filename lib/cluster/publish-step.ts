import { createHash } from "node:crypto";
import { createReadStream, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import type { Redis } from "ioredis";
import type { ResolvedStep } from "../engine/step/resolve";
import type { ClusterKeys } from "./keys";
import type { FileRef, StepSetup } from "./messages";

/** How long a step's setup and its files stay reachable for agents (a paused run can resume within it). */
const SETUP_TTL_SECONDS = 7 * 24 * 3600;

/** SHA-256 of a file, streamed (models can be large). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Files of an entry script's folder, as resolveEntry hashes them (no node_modules, no dot files). */
function treeFiles(root: string, dir = root): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files.push(...treeFiles(root, full));
    else files.push(full);
  }
  return files;
}

/**
 * Makes a step runnable by agents: every file they need (script folder, model, labels, side
 * inputs) is registered by content hash for the studio's file route, and the setup is stored
 * under the step run's id. Agents read both; they never see the studio's disk or database.
 */
export async function publishStep(
  redis: Redis,
  keys: ClusterKeys,
  step: { stepKey: string; runId: string; stepName: string },
  resolved: ResolvedStep,
): Promise<StepSetup> {
  const { stepKey, runId, stepName } = step;
  const files = new Map<string, string>();
  const ref = async (path: string, name: string): Promise<FileRef> => {
    const sha256 = await sha256File(path);
    files.set(sha256, path);
    return { sha256, size: statSync(path).size, name };
  };
  const { config, entry, target } = resolved;
  const settingsFiles: Record<string, FileRef> = {};
  let entrySpec: StepSetup["entry"];
  if (config.scorer) {
    entrySpec = { kind: "builtin", scorer: config.scorer.kind };
    const settings = (entry.settings ?? {}) as Record<string, unknown>;
    for (const key of ["modelPath", "labelsPath"]) {
      const path = settings[key];
      if (typeof path === "string") settingsFiles[key] = await ref(path, basename(path));
    }
  } else {
    const root = config.sourceDirectory ?? dirname(entry.module);
    const paths = config.sourceDirectory ? treeFiles(root) : [entry.module];
    const tree: FileRef[] = [];
    for (const path of paths) tree.push(await ref(path, relative(root, path).split(sep).join("/")));
    entrySpec = { kind: "script", tree, module: relative(root, entry.module).split(sep).join("/") };
  }
  const sideInputs: Record<string, FileRef[]> = {};
  for (const [name, paths] of Object.entries(resolved.sideInputPaths)) {
    sideInputs[name] = [];
    for (const path of paths) sideInputs[name].push(await ref(path, basename(path)));
  }
  const env = resolved.environment;
  const environmentBuild: StepSetup["environmentBuild"] = env && {
    label: env.label,
    contentHash: env.contentHash,
    nodeMajor: env.nodeMajor,
    trustedScripts: env.trustedScripts,
    packageJson: await ref(join(env.dir, "package.json"), "package.json"),
    packageLock: await ref(join(env.dir, "package-lock.json"), "package-lock.json"),
  };
  const setup: StepSetup = {
    runId,
    stepName,
    stepKey,
    entry: entrySpec,
    entryLabel: entry.label,
    settings: entry.settings,
    settingsFiles,
    loggingLevel: config.loggingLevel,
    arguments: resolved.args,
    sideInputs,
    datastores: resolved.stores.forWorkers(),
    outputAction: config.outputAction,
    output: { datastore: target.datastore, path: target.path },
    // As for a local step: the environment's variables, then the step's own over them.
    environment: { ...env?.variables, ...config.environmentVariables },
    environmentBuild,
    processCountPerNode: config.processCountPerNode,
    nodeCount: config.nodeCount,
    runInvocationTimeout: config.runInvocationTimeout,
    initTimeout: config.initTimeout,
    processMemoryLimit: config.processMemoryLimit,
    runMaxTry: config.runMaxTry,
  };
  const multi = redis.multi();
  for (const [sha, path] of files) multi.set(keys.file(sha), path, "EX", SETUP_TTL_SECONDS);
  multi.set(keys.step(stepKey), JSON.stringify(setup), "EX", SETUP_TTL_SECONDS);
  await multi.exec();
  return setup;
}
