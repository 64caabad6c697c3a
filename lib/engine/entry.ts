import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Db } from "../db/client";
import type { ResolvedRunConfig } from "../contracts/parallel-run-config";
import { isParamRef } from "../contracts/common";
import { invalid } from "../errors";
import { resolveModel } from "../catalog/models";
import type { ParameterValues } from "./resolve";
import { scorerModule } from "./runtime";
import { parseImageClassifierSettings, parseTabularScorerSettings } from "../scorers/settings";

export interface ResolvedEntry {
  module: string;
  label: string;
  settings?: unknown;
  /** Identity of the code and model, for allow_reuse. */
  hash: string;
}

/** Finds the module a step runs: the user's entry script or a built-in scorer with its model. */
export async function resolveEntry(
  db: Db,
  config: ResolvedRunConfig,
  params: ParameterValues,
  stepName: string,
  materializeLabels: (ref: string) => Promise<string>,
): Promise<ResolvedEntry> {
  if (config.scorer) {
    const scorer = config.scorer;
    const modelRef = isParamRef(scorer.model) ? params[scorer.model.param] : scorer.model;
    if (modelRef === undefined) throw invalid(`Step '${stepName}': scorer model is bound to an undefined parameter`);
    const model = await resolveModel(db, String(modelRef));
    const module = scorerModule(scorer.kind);
    const labelsPath = scorer.kind === "onnx-image-classifier" && scorer.labelsFile ? await materializeLabels(scorer.labelsFile) : undefined;
    // Validated here, once, with defaults applied: worker processes take them as they are (and do
    // not load the validation library at start-up).
    const given = { ...scorer, model: `${model.name}:${model.version}`, modelPath: model.filePath, ...(labelsPath ? { labelsPath } : {}) };
    const parsed = scorer.kind === "onnx-image-classifier" ? parseImageClassifierSettings(given) : parseTabularScorerSettings(given);
    const settings = { ...parsed, intraOpThreads: intraOpThreads(parsed.intraOpThreads, config.nodeCount * config.processCountPerNode) };
    const hash = createHash("sha256")
      .update(JSON.stringify({ ...scorer, model: model.sha256 }))
      .update(labelsPath ? readFileSync(labelsPath) : "")
      .digest("hex");
    return { module, label: `built-in ${scorer.kind} (model ${model.name}:${model.version})`, settings, hash };
  }
  const script = config.entryScript!;
  const base = config.sourceDirectory ?? "";
  const module = isAbsolute(script) ? script : resolve(base, script);
  if (!existsSync(module)) {
    throw invalid(`Step '${stepName}': entry_script '${script}' not found${config.sourceDirectory ? ` in source_directory '${config.sourceDirectory}'` : ""}`);
  }
  const hash = createHash("sha256");
  if (config.sourceDirectory) hashTree(config.sourceDirectory, config.sourceDirectory, hash);
  else hash.update(readFileSync(module));
  return { module, label: config.sourceDirectory ? relative(config.sourceDirectory, module) : script, hash: hash.digest("hex") };
}

/**
 * onnxruntime threads for each of the step's processes: `auto` shares this machine's cores among
 * them (the step's node agents all run here), so that one process on two cores uses both.
 */
export function intraOpThreads(setting: number | "auto" | undefined, processes: number, cores = availableParallelism()): number {
  if (typeof setting === "number") return setting;
  return Math.max(1, Math.floor(cores / Math.max(1, processes)));
}

function hashTree(root: string, dir: string, hash: ReturnType<typeof createHash>): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) hashTree(root, full, hash);
    else hash.update(`${relative(root, full)}\0`).update(readFileSync(full));
  }
}
