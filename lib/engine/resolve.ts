import { z } from "zod";
import { isParamRef, type ParamRef, VersionedName } from "../contracts/common";
import { LOGGING_LEVELS, MIN_PROCESS_MEMORY_LIMIT_MB, ResolvedRunConfig, type ParallelRunConfig } from "../contracts/parallel-run-config";
import type { PipelineDefinition, PipelineParameter } from "../contracts/pipeline";
import { invalid } from "../errors";
import { resolveMiniBatchSize, type DataKind } from "../pipeline/run-config-rules";

export type ParameterValues = Record<string, string | number | boolean>;

/**
 * Merges a submission's overrides into the pipeline's parameter defaults. Unknown names are an
 * error (a typo would otherwise silently run with the default).
 */
export function resolveParameters(parameters: PipelineParameter[], overrides: Record<string, string | number | boolean> = {}): ParameterValues {
  const known = new Map(parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(overrides)) {
    if (!known.has(name)) {
      const names = [...known.keys()].join(", ") || "none";
      throw invalid(`Unknown pipeline parameter '${name}' (this pipeline has: ${names})`);
    }
  }
  const values: ParameterValues = {};
  for (const p of parameters) {
    const raw = overrides[p.name] ?? p.default;
    values[p.name] = coerceParameter(p, raw);
  }
  return values;
}

function coerceParameter(p: PipelineParameter, raw: string | number | boolean): string | number | boolean {
  switch (p.type) {
    case "int": {
      const n = typeof raw === "number" ? raw : Number(String(raw).trim());
      if (!Number.isInteger(n)) throw invalid(`Parameter '${p.name}' must be a whole number, got '${raw}'`);
      return n;
    }
    case "number": {
      const n = typeof raw === "number" ? raw : Number(String(raw).trim());
      if (!Number.isFinite(n)) throw invalid(`Parameter '${p.name}' must be a number, got '${raw}'`);
      return n;
    }
    case "bool": {
      if (typeof raw === "boolean") return raw;
      const s = String(raw).toLowerCase();
      if (s === "true" || s === "1") return true;
      if (s === "false" || s === "0") return false;
      throw invalid(`Parameter '${p.name}' must be true or false, got '${raw}'`);
    }
    default:
      return raw;
  }
}

export function bindValue<T>(value: T | ParamRef, params: ParameterValues, field: string): T | string | number | boolean {
  if (!isParamRef(value)) return value;
  const resolved = params[value.param];
  if (resolved === undefined) throw invalid(`${field} is bound to pipeline parameter '${value.param}', which the pipeline does not define`);
  return resolved;
}

export type { DataKind };

const wholeNumber = (field: string, min: number) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === "number" ? v : Number(v.trim());
    if (String(v).trim() === "" || !Number.isInteger(n) || n < min) {
      ctx.addIssue({ code: "custom", message: `${field} must be a whole number >= ${min}, got '${v}'` });
      return z.NEVER;
    }
    return n;
  });

const megabytes = (field: string, min: number) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = Number(String(v).trim());
    if (String(v).trim() === "" || !Number.isInteger(n) || n < min) {
      ctx.addIssue({ code: "custom", message: `${field} must be a whole number of MB >= ${min}, got '${v}'` });
      return z.NEVER;
    }
    return n;
  });

const seconds = (field: string) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = Number(v);
    if (String(v).trim() === "" || !Number.isFinite(n) || n <= 0) {
      ctx.addIssue({ code: "custom", message: `${field} must be a number of seconds > 0, got '${v}'` });
      return z.NEVER;
    }
    return n;
  });

/**
 * Resolves parameter bindings and checks every field, naming the field and the bad value.
 * mini_batch_size means files for a file dataset and bytes for a tabular one.
 */
export function resolveRunConfig(config: ParallelRunConfig, params: ParameterValues, dataKind: DataKind, stepName: string) {
  const b = <T>(v: T | ParamRef, field: string) => bindValue(v, params, `${stepName}: ${field}`);
  const where = (field: string) => `Step '${stepName}': ${field}`;

  if (!config.entryScript && !config.scorer) throw invalid(`${where("parallel_run_config")} needs an entry_script or a built-in scorer`);
  if (config.entryScript && config.scorer) throw invalid(`${where("parallel_run_config")} has both entry_script and scorer: choose one`);

  const rawSize = config.miniBatchSize === undefined ? undefined : b(config.miniBatchSize, "mini_batch_size");
  const miniBatchSize = resolveMiniBatchSize(rawSize, dataKind, where("mini_batch_size"));

  const level = String(b(config.loggingLevel, "logging_level")).toUpperCase();
  if (!(LOGGING_LEVELS as readonly string[]).includes(level)) {
    throw invalid(`${where("logging_level")} '${level}' is not one of ${LOGGING_LEVELS.join(", ")}`);
  }

  const fields = z.object({
    errorThreshold: wholeNumber(where("error_threshold"), -1),
    allowedFailedCount: wholeNumber(where("allowed_failed_count"), -1).optional(),
    allowedFailedPercent: z
      .union([z.number(), z.string()])
      .transform((v, ctx) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || n > 100) {
          ctx.addIssue({ code: "custom", message: `${where("allowed_failed_percent")} must be a number from 0 to 100, got '${v}'` });
          return z.NEVER;
        }
        return n;
      })
      .optional(),
    nodeCount: wholeNumber(where("node_count"), 1),
    processCountPerNode: wholeNumber(where("process_count_per_node"), 1),
    runInvocationTimeout: seconds(where("run_invocation_timeout")),
    initTimeout: seconds(where("init_timeout")),
    runMaxTry: wholeNumber(where("run_max_try"), 1),
    processMemoryLimit: megabytes(where("process_memory_limit"), MIN_PROCESS_MEMORY_LIMIT_MB).optional(),
  });
  const parsed = fields.safeParse({
    errorThreshold: b(config.errorThreshold, "error_threshold"),
    allowedFailedCount: config.allowedFailedCount === undefined ? undefined : b(config.allowedFailedCount, "allowed_failed_count"),
    allowedFailedPercent: config.allowedFailedPercent === undefined ? undefined : b(config.allowedFailedPercent, "allowed_failed_percent"),
    nodeCount: b(config.nodeCount, "node_count"),
    processCountPerNode: b(config.processCountPerNode, "process_count_per_node"),
    runInvocationTimeout: b(config.runInvocationTimeout, "run_invocation_timeout"),
    initTimeout: b(config.initTimeout, "init_timeout"),
    runMaxTry: b(config.runMaxTry, "run_max_try"),
    processMemoryLimit: config.processMemoryLimit === undefined ? undefined : b(config.processMemoryLimit, "process_memory_limit"),
  });
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => i.message).join("; "));

  return ResolvedRunConfig.parse({
    entryScript: config.entryScript,
    sourceDirectory: config.sourceDirectory,
    scorer: config.scorer,
    miniBatchSize,
    ...parsed.data,
    outputAction: config.outputAction,
    appendRowFileName: config.appendRowFileName,
    loggingLevel: level,
    environmentVariables: config.environmentVariables,
    partitionKeys: config.partitionKeys,
    environment: resolveEnvironmentRef(config.environment === undefined ? undefined : b(config.environment, "environment"), where("environment")),
    computeTarget: config.computeTarget,
  });
}

/** A bound environment parameter left empty means no environment; anything else must be name or name:version. */
function resolveEnvironmentRef(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || String(value).trim() === "") return undefined;
  const ref = String(value).trim();
  const parsed = VersionedName.safeParse(ref);
  if (!parsed.success) throw invalid(`${field} '${ref.slice(0, 80)}' is not an environment name: use name or name:version (e.g. imaging or imaging:2)`);
  return ref;
}

/** Parses `--param name=value` pairs. */
export function parseParamAssignments(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw invalid(`--param takes name=value, got '${pair}'`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function isPipelineParameterBound(value: unknown): value is ParamRef {
  return isParamRef(value);
}

export type { PipelineDefinition };
