import type { RunStatus } from "../contracts/statuses";
import type { Db } from "../db/client";

/** What a pipeline definition refers to by name, with its parameters bound. */
export interface References {
  /** "mnist" (the latest version) or "mnist:2". */
  datasets: string[];
  models: string[];
  datastores: string[];
}

export const UNFINISHED_RUN_STATUSES = ["queued", "running", "cancelling"];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const field = (o: Json, camel: string, snake: string): unknown => o[camel] ?? o[snake];
const DATASTORE_URL = /^datastore:\/\/([^/]+)\//;

/**
 * Reads references from the stored definition JSON rather than through the current contract, so
 * that a definition stored by an older version still counts (an unreadable part counts as nothing).
 * `values` binds `{ param }` references: a run's parameters, or the defaults for a version.
 */
export function referencesOf(definition: unknown, values: Json): References {
  const refs: References = { datasets: [], models: [], datastores: [] };
  if (!isObject(definition)) return refs;
  const bound = (v: unknown): unknown => (isObject(v) && typeof v.param === "string" ? values[v.param] : v);
  const addData = (value: unknown) => {
    if (typeof value !== "string") return;
    const store = DATASTORE_URL.exec(value);
    if (store) refs.datastores.push(store[1]!);
    else if (!value.startsWith("datastore:")) refs.datasets.push(value);
  };
  for (const step of Array.isArray(definition.steps) ? definition.steps : []) {
    if (!isObject(step)) continue;
    for (const list of [step.inputs, field(step, "sideInputs", "side_inputs")]) {
      for (const ref of Array.isArray(list) ? list : []) {
        if (isObject(ref) && !("step" in ref)) addData(bound("dataset" in ref ? ref.dataset : ref));
      }
    }
    const output = step.output;
    refs.datastores.push(isObject(output) && typeof output.datastore === "string" ? output.datastore : "workspace");
    const config = field(step, "parallelRunConfig", "parallel_run_config");
    const scorer = isObject(config) ? config.scorer : undefined;
    if (isObject(scorer)) {
      const model = bound(scorer.model);
      if (typeof model === "string") refs.models.push(model);
      addData(bound(field(scorer, "labelsFile", "labels_file")));
    }
  }
  return refs;
}

/** Parameter defaults of a definition: what a submission without --param binds. */
export function defaultsOf(definition: unknown): Json {
  const out: Json = {};
  const params = isObject(definition) ? definition.parameters : undefined;
  for (const p of Array.isArray(params) ? params : []) if (isObject(p) && typeof p.name === "string") out[p.name] = p.default;
  return out;
}

export interface PipelineUse {
  pipeline: string;
  version: number;
  refs: References;
}

export interface RunUse {
  id: string;
  status: RunStatus;
  createdAt: Date;
  refs: References;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Every version of every pipeline that is not archived, with what it refers to. */
export async function pipelineUses(db: Db): Promise<PipelineUse[]> {
  const rows = await db.pipelineVersion.findMany({
    where: { pipeline: { archivedAt: null } },
    select: { version: true, definition: true, pipeline: { select: { name: true } } },
    orderBy: [{ pipelineId: "asc" }, { version: "asc" }],
  });
  return rows.map((r) => {
    const definition = parse(r.definition);
    return { pipeline: r.pipeline.name, version: r.version, refs: referencesOf(definition, defaultsOf(definition)) };
  });
}

/** Every run (unfinished or not), with what its definition and parameters refer to. */
export async function runUses(db: Db): Promise<RunUse[]> {
  const runs = await db.pipelineRun.findMany({ select: { id: true, status: true, createdAt: true, parameters: true, pipelineVersionId: true } });
  const ids = [...new Set(runs.map((r) => r.pipelineVersionId))];
  const versions = await db.pipelineVersion.findMany({ where: { id: { in: ids } }, select: { id: true, definition: true } });
  const definitions = new Map(versions.map((v) => [v.id, parse(v.definition)]));
  return runs.map((r) => {
    const definition = definitions.get(r.pipelineVersionId);
    const given = parse(r.parameters);
    const values = { ...defaultsOf(definition), ...(isObject(given) ? given : {}) };
    return { id: r.id, status: r.status, createdAt: r.createdAt, refs: referencesOf(definition, values) };
  });
}

/**
 * The refusal users see: who uses the thing and what to do first, e.g. "dataset 'mnist:1' is used
 * by pipeline 'digit-identification' version 2; delete or archive that pipeline first".
 */
export function usedByMessage(what: string, pipelines: PipelineUse[], runs: RunUse[]): string {
  const users = [...pipelines.map((p) => `pipeline '${p.pipeline}' version ${p.version}`), ...runs.map((r) => `run ${r.id} (${r.status})`)];
  const shown = users.slice(0, 3).join(", ") + (users.length > 3 ? ` and ${users.length - 3} more` : "");
  const advice = [
    pipelines.length ? `delete or archive ${new Set(pipelines.map((p) => p.pipeline)).size > 1 ? "those pipelines" : "that pipeline"} first` : "",
    runs.length ? `wait for ${runs.length > 1 ? "those runs" : "that run"} to end or cancel ${runs.length > 1 ? "them" : "it"}` : "",
  ].filter(Boolean);
  return `${what} is used by ${shown}; ${advice.join(", and ")}`;
}
