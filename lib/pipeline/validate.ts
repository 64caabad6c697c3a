import { isParamRef, parseVersionedName, ResourceName, VersionedName } from "../contracts/common";
import type { CanvasGraph, CanvasNode, CanvasNodeOf } from "../contracts/canvas";
import {
  ImageClassifierSettings,
  LOGGING_LEVELS,
  ParallelRunConfig,
  TabularScorerSettings,
  timeoutProblem,
  wholeNumberProblem,
} from "../contracts/parallel-run-config";
import { PipelineDefinition, StepName } from "../contracts/pipeline";
import { isDatastorePath, miniBatchSizeProblem, outputDataKind, type DataKind } from "./run-config-rules";
import { canvasParameters, canvasToDraftDefinition, cleanConfig, connectedModel, edgesFrom, edgesInto, nodeById, type DefinitionMeta } from "./canvas";
import { CONFIG_FIELDS, type ConfigFieldKey } from "./config-fields";
import { describeNode } from "./connections";
import { graphProblems } from "./graph";

export interface DesignerProblem {
  /** The node the problem belongs to; undefined for the pipeline as a whole. */
  nodeId?: string;
  /** The panel field (e.g. "name", "miniBatchSize", "scorer.model") to show the message beside. */
  field?: string;
  message: string;
  /** Errors block publishing and submission; warnings do not. */
  severity: "error" | "warning";
}

export interface ValidationContext {
  /** Kinds of registered datasets by name, when known (mini_batch_size means files or bytes). */
  datasetKinds?: Record<string, DataKind>;
  /**
   * What is registered, when known: a name that is not (a typo, `nonexistent-model`) is a problem
   * before publishing instead of a failure at run time. Datasets and models by name with their
   * latest version; a kind left out is not checked.
   */
  registered?: RegisteredAssets;
}

export interface RegisteredAssets {
  datasets?: Record<string, number>;
  models?: Record<string, number>;
  datastores?: readonly string[];
}

/** Why a "name" or "name:version" is not registered (undefined: it is, or the kind is not known). */
export function unregisteredProblem(kind: "dataset" | "model", ref: string, latest: Record<string, number> | undefined): string | undefined {
  if (!latest || !VersionedName.safeParse(ref).success) return undefined;
  const { name, version } = parseVersionedName(ref);
  const last = latest[name];
  const where = "register it on the Data & models page";
  if (last === undefined) {
    const known = Object.keys(latest).slice(0, 5);
    return `${kind} '${name}' is not registered: ${known.length ? `choose one of ${known.join(", ")} or ${where}` : where}`;
  }
  if (version !== undefined && version > last) return `${kind} '${ref}' does not exist: the latest version of '${name}' is ${last}`;
  return undefined;
}

/** Why a datastore name is not registered (undefined: it is, or datastores are not known). */
export function unknownDatastoreProblem(name: string, datastores: readonly string[] | undefined): string | undefined {
  if (!datastores || !ResourceName.safeParse(name).success || datastores.includes(name)) return undefined;
  return `datastore '${name}' is not registered: choose one of ${datastores.slice(0, 5).join(", ") || "none yet"} or register it on the Data & models page`;
}

const datastoreOfPath = (path: string) => /^datastore:\/\/([^/]+)\//.exec(path)?.[1];

const err = (nodeId: string | undefined, message: string, field?: string): DesignerProblem => ({ nodeId, field, message, severity: "error" });
const warn = (nodeId: string | undefined, message: string, field?: string): DesignerProblem => ({ nodeId, field, message, severity: "warning" });

const firstMessage = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message ?? "is not valid";
const DATASTORE_PATH = /^datastore:\/\/[^/]+\/.+$/;

/** Every problem of a drawn pipeline, keyed by node and field, as the panel and the summary show them. */
export function designerProblems(graph: CanvasGraph, meta: DefinitionMeta, ctx: ValidationContext = {}): DesignerProblem[] {
  const problems: DesignerProblem[] = [];
  const steps = graph.nodes.filter((n): n is CanvasNodeOf<"step"> => n.type === "step");
  if (steps.length === 0) problems.push(err(undefined, "the pipeline has no ParallelRunStep: drag one from the palette"));

  const params = canvasParameters(graph);
  const paramTypes = new Map<string, string>();
  const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
  for (const p of params) {
    const field = graph.nodes.find((n) => n.id === p.nodeId)?.type === "dataset" ? "parameterName" : "name";
    if (!p.name) problems.push(err(p.nodeId, "give the parameter a name", field));
    else if (!PARAM_NAME.test(p.name))
      problems.push(err(p.nodeId, `parameter name '${p.name}': use letters, digits and '_', starting with a letter or '_'`, field));
    else if (paramTypes.has(p.name)) problems.push(err(p.nodeId, `parameter '${p.name}' is defined twice: parameter names are unique in a pipeline`, field));
    if (p.name) paramTypes.set(p.name, String(p.type));
  }

  for (const node of graph.nodes) problems.push(...nodeProblems(graph, node, paramTypes, ctx));

  const names = new Map<string, string>();
  for (const s of steps) {
    if (!s.data.name) continue;
    const other = names.get(s.data.name);
    if (other) problems.push(err(s.id, `step name '${s.data.name}' is used twice: names are unique in a pipeline`, "name"));
    names.set(s.data.name, s.id);
  }

  // The contract and graph rules the server applies at publish time, as a final gate.
  if (!problems.some((p) => p.severity === "error")) {
    const draft = canvasToDraftDefinition(graph, meta);
    const parsed = PipelineDefinition.safeParse(draft.definition);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [top, index] = issue.path;
        const nodeId = top === "steps" && typeof index === "number" ? draft.steps[index]?.nodeId : undefined;
        problems.push(err(nodeId, `${issue.path.slice(nodeId ? 2 : 0).join(".") || "definition"}: ${issue.message}`));
      }
    } else {
      for (const p of graphProblems(parsed.data)) problems.push(err(names.get(p.where), p.message));
    }
  }
  return problems;
}

function nodeProblems(graph: CanvasGraph, node: CanvasNode, paramTypes: Map<string, string>, ctx: ValidationContext): DesignerProblem[] {
  const out: DesignerProblem[] = [];
  const connected = graph.edges.some((e) => e.source === node.id || e.target === node.id);
  switch (node.type) {
    case "dataset": {
      const d = node.data;
      if (!d.dataset.trim())
        out.push(
          err(
            node.id,
            d.mode === "parameter" ? "give the parameter's default dataset" : "choose a registered dataset or give datastore://<datastore>/<path>",
            "dataset",
          ),
        );
      else if (!DATASTORE_PATH.test(d.dataset) && !VersionedName.safeParse(d.dataset).success)
        out.push(err(node.id, `'${d.dataset}' is neither a dataset name (mnist, mnist:2) nor datastore://<datastore>/<path>`, "dataset"));
      else {
        const store = datastoreOfPath(d.dataset);
        const unknown = store
          ? unknownDatastoreProblem(store, ctx.registered?.datastores)
          : unregisteredProblem("dataset", d.dataset.trim(), ctx.registered?.datasets);
        if (unknown) out.push(err(node.id, unknown, "dataset"));
      }
      if (!connected) out.push(warn(node.id, `${describeNode(node)} is not connected to any step`));
      break;
    }
    case "model": {
      if (!node.data.model.trim()) out.push(err(node.id, "choose a registered model", "model"));
      else if (!VersionedName.safeParse(node.data.model).success) out.push(err(node.id, firstMessage(VersionedName.safeParse(node.data.model)), "model"));
      else {
        const unknown = unregisteredProblem("model", node.data.model.trim(), ctx.registered?.models);
        if (unknown) out.push(err(node.id, unknown, "model"));
      }
      if (!connected) out.push(warn(node.id, `${describeNode(node)} is not connected to any step`));
      break;
    }
    case "output": {
      const r = ResourceName.safeParse(node.data.datastore);
      if (!r.success) out.push(err(node.id, `datastore: ${firstMessage(r)}`, "datastore"));
      const unknown = unknownDatastoreProblem(node.data.datastore, ctx.registered?.datastores);
      if (unknown) out.push(err(node.id, unknown, "datastore"));
      if (!connected) out.push(warn(node.id, `${describeNode(node)} is not connected to a step's output`));
      break;
    }
    case "parameter": {
      const d = node.data;
      const text = String(d.default).trim();
      if (d.type === "int" && (text === "" || !Number.isInteger(Number(text))))
        out.push(err(node.id, `default must be a whole number for an int parameter, got '${text.slice(0, 80)}'`, "default"));
      else if (d.type === "int" && !Number.isSafeInteger(Number(text)))
        out.push(err(node.id, `default '${text.slice(0, 40)}' is too large for an int parameter: at most ${Number.MAX_SAFE_INTEGER}`, "default"));
      if (d.type === "number" && (text === "" || !Number.isFinite(Number(text)))) out.push(err(node.id, `default must be a number, got '${text}'`, "default"));
      if (d.type === "bool" && !["true", "false"].includes(text.toLowerCase()))
        out.push(err(node.id, `default must be true or false, got '${text}'`, "default"));
      if (d.type === "dataset" && !text) out.push(err(node.id, "give the default dataset (e.g. mnist)", "default"));
      break;
    }
    case "step":
      out.push(...stepProblems(graph, node, paramTypes, ctx));
      break;
  }
  return out;
}

/** The data kind a step reads (mini_batch_size means files or bytes), when it can be known. */
export function stepInputKind(graph: CanvasGraph, step: CanvasNodeOf<"step">, ctx: ValidationContext): DataKind | undefined {
  const byId = nodeById(graph);
  for (const e of edgesInto(graph, step.id, "inputs")) {
    const src = byId.get(e.source);
    // A designer config without output_action has the default, append_row.
    if (src?.type === "step") return outputDataKind(src.data.parallelRunConfig.outputAction === "summary_only" ? "summary_only" : "append_row");
    if (src?.type === "dataset") {
      if (isDatastorePath(src.data.dataset)) return "file";
      const kind = ctx.datasetKinds?.[src.data.dataset.split(":")[0] ?? ""];
      if (kind) return kind;
    }
  }
  return undefined;
}

function stepProblems(graph: CanvasGraph, node: CanvasNodeOf<"step">, paramTypes: Map<string, string>, ctx: ValidationContext): DesignerProblem[] {
  const out: DesignerProblem[] = [];
  const id = node.id;
  const name = StepName.safeParse(node.data.name);
  if (!node.data.name) out.push(err(id, "give the step a name (3-32 characters: lower-case letters, digits, '-')", "name"));
  else if (!name.success) out.push(err(id, `step name '${node.data.name}': ${name.error.issues.map((i) => i.message).join("; ")}`, "name"));

  if (edgesInto(graph, id, "inputs").length === 0)
    out.push(err(id, `${describeNode(node)} has no input: connect a Dataset or an upstream step's output to its inputs`, "inputs"));
  if (edgesFrom(graph, id, "output").length === 0)
    out.push(warn(id, `${describeNode(node)} has no Output node: results go to the workspace datastore under runs/<run id>/<step>`));

  const cfg = cleanConfig(node.data.parallelRunConfig);
  const checkBinding = (field: string, value: unknown, allowed?: string[]) => {
    if (!isParamRef(value)) return false;
    const type = paramTypes.get(value.param);
    if (type === undefined) out.push(err(id, `${field} is bound to parameter '${value.param}', which is not defined: add it from the palette`, field));
    else if (type === "dataset" || (allowed && !allowed.includes(type)))
      out.push(
        err(
          id,
          `${field} is bound to '${value.param}', a ${type} parameter: bind it to a ${(allowed ?? ["string", "int", "number"]).join(" or ")} parameter`,
          field,
        ),
      );
    return true;
  };

  const hasScript = typeof cfg.entryScript === "string";
  const linkedModel = connectedModel(graph, id);
  if (linkedModel && cfg.scorer && typeof cfg.scorer === "object") cfg.scorer = { ...cfg.scorer, model: linkedModel.data.model };
  const scorer = cfg.scorer as Record<string, unknown> | undefined;
  if (!hasScript && !scorer) out.push(err(id, "choose a built-in scorer or an entry script", "entryScript"));
  if (hasScript && scorer) out.push(err(id, "has both an entry script and a built-in scorer: choose one", "entryScript"));
  if (scorer) {
    const model = scorer.model;
    if (!checkBinding("scorer.model", model, ["string"])) {
      if (typeof model !== "string" || !model.trim())
        out.push(err(id, "the built-in scorer needs a model: choose one or connect a Model node", "scorer.model"));
      else if (!VersionedName.safeParse(model).success) out.push(err(id, `model '${model}': use name or name:version`, "scorer.model"));
      else if (!linkedModel) {
        const unknown = unregisteredProblem("model", model.trim(), ctx.registered?.models);
        if (unknown) out.push(err(id, unknown, "scorer.model"));
      }
    }
  }

  const kind = stepInputKind(graph, node, ctx);
  for (const [key, meta] of Object.entries(CONFIG_FIELDS) as [ConfigFieldKey, (typeof CONFIG_FIELDS)[ConfigFieldKey]][]) {
    const value = cfg[key];
    if (value === undefined) {
      if (meta.required) out.push(err(id, `${meta.snake} is required`, key));
      continue;
    }
    if (
      meta.bindable &&
      checkBinding(key, value, key === "loggingLevel" ? ["string"] : key === "miniBatchSize" ? ["int", "string"] : ["int", "number", "string"])
    )
      continue;
    const message = literalProblem(key, value, kind);
    if (message) out.push(err(id, message, key));
  }
  for (const [i, arg] of node.data.arguments.entries()) checkBinding(`arguments[${i}]`, arg);

  // Everything else the shared contract checks (types, unknown fields, scorer settings).
  if (out.some((p) => p.severity === "error")) return out;
  const scorerSchema = scorer?.kind === "onnx-image-classifier" ? ImageClassifierSettings : scorer?.kind === "onnx-tabular" ? TabularScorerSettings : undefined;
  const scorerParsed = scorerSchema?.safeParse(scorer);
  if (scorer && !scorerSchema) out.push(err(id, `scorer kind '${String(scorer.kind)}' is not known: use onnx-image-classifier or onnx-tabular`, "scorer.kind"));
  else if (scorerParsed && !scorerParsed.success) {
    for (const issue of scorerParsed.error.issues)
      out.push(err(id, `scorer.${issue.path.join(".")}: ${issue.message}`, `scorer.${String(issue.path[0] ?? "")}`));
  } else {
    const parsed = ParallelRunConfig.safeParse(cfg);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        out.push(err(id, `${issue.path.join(".") || "parallel_run_config"}: ${issue.message}`, String(issue.path[0] ?? "")));
  }
  return out;
}

/** The rules the engine applies when it resolves a config (lib/engine/resolve.ts), per field. */
export function literalProblem(key: ConfigFieldKey, value: unknown, kind: DataKind | undefined): string | undefined {
  switch (key) {
    case "miniBatchSize":
      return miniBatchSizeProblem(value, kind);
    case "errorThreshold":
    case "allowedFailedCount": {
      const problem = wholeNumberProblem(key, value);
      return problem ? `${problem} (-1 ignores failures)` : undefined;
    }
    case "allowedFailedPercent": {
      const n = Number(value);
      return Number.isFinite(n) && n >= 0 && n <= 100 ? undefined : `allowed_failed_percent must be a number from 0 to 100, got '${String(value)}'`;
    }
    case "nodeCount":
    case "processCountPerNode":
    case "runMaxTry":
    case "processMemoryLimit":
      return wholeNumberProblem(key, value);
    case "runInvocationTimeout":
    case "initTimeout":
      return timeoutProblem(CONFIG_FIELDS[key].snake, value);
    case "loggingLevel":
      return (LOGGING_LEVELS as readonly string[]).includes(String(value).toUpperCase())
        ? undefined
        : `logging_level must be one of ${LOGGING_LEVELS.join(", ")}, got '${String(value)}'`;
    case "environment": {
      const r = VersionedName.safeParse(String(value));
      return r.success ? undefined : `environment '${String(value).slice(0, 80)}': ${firstMessage(r)}`;
    }
    case "appendRowFileName":
      return /[\\/]/.test(String(value)) ? "append_row_file_name is a file name, without folders" : undefined;
    default:
      return undefined;
  }
}

export const blockingProblems = (problems: DesignerProblem[]) => problems.filter((p) => p.severity === "error");
