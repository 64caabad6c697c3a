import { z } from "zod";
import { acceptSnakeCase, bindable, ParamRef, VersionedName } from "./common";

export const LOGGING_LEVELS = ["WARNING", "INFO", "DEBUG"] as const;
export const LoggingLevel = z.enum(LOGGING_LEVELS);
export type LoggingLevel = z.infer<typeof LoggingLevel>;

export const OUTPUT_ACTIONS = ["append_row", "summary_only"] as const;
export const OutputAction = z.enum(OUTPUT_ACTIONS);
export type OutputAction = z.infer<typeof OutputAction>;

/**
 * onnxruntime threads per session.run: `auto` gives each worker process its share of the
 * machine's cores (cores / processes of the step on this machine, at least 1), so that fewer
 * processes than cores still use every core; a number sets it.
 */
const THREADS_ERROR = "intra_op_threads must be auto or a whole number from 1 to 256";
const IntraOpThreads = z
  .union([z.literal("auto"), z.number().int({ error: THREADS_ERROR }).min(1, { error: THREADS_ERROR }).max(256, { error: THREADS_ERROR })], {
    error: THREADS_ERROR,
  })
  .default("auto");

/** Settings of the built-in ONNX image classifier (PNG/JPEG in, file,label,probability out). */
export const ImageClassifierSettings = acceptSnakeCase(
  z
    .object({
      kind: z.literal("onnx-image-classifier"),
      /** Registered model, "name" (latest) or "name:version", or a pipeline parameter. */
      model: bindable(VersionedName),
      /** Model input and output names; default: the model's first input and output. */
      inputName: z.string().optional(),
      outputName: z.string().optional(),
      /** Tensor layout of the image input; "auto" reads it from the model's input shape. */
      layout: z.enum(["auto", "NCHW", "NHWC"]).default("auto"),
      /** Colour channels fed to the model; "auto" reads it from the model's input shape. */
      color: z.enum(["auto", "grayscale", "rgb"]).default("auto"),
      /** Size the image is resized to; default: from the model's input shape. */
      width: z.number().int().positive().optional(),
      height: z.number().int().positive().optional(),
      /** Pixel value multiplier applied before mean/std: 1/255 maps 0..255 to 0..1; 1 keeps raw. */
      scale: z
        .number()
        .positive()
        .default(1 / 255),
      mean: z.array(z.number()).optional(),
      std: z.array(z.number().positive()).optional(),
      /**
       * Softmax over the output, so `probability` is one: `auto` applies it when a row's scores
       * are not already a distribution (all in [0,1], summing to 1), `true` always, `false` never.
       */
      softmax: z.union([z.boolean(), z.literal("auto")], { error: "softmax must be auto, true or false" }).default("auto"),
      /** Class labels in output order, inline or as a text file (one per line) in a datastore. */
      labels: z.array(z.string()).optional(),
      labelsFile: z.string().optional(),
      /** Images per session.run call inside a mini-batch. */
      inferenceBatchSize: z.number().int().positive().default(256),
      intraOpThreads: IntraOpThreads,
    })
    .strict(),
);
export type ImageClassifierSettings = z.infer<typeof ImageClassifierSettings>;

/** Settings of the built-in ONNX tabular scorer (columns in, output columns appended). */
export const TabularScorerSettings = acceptSnakeCase(
  z
    .object({
      kind: z.literal("onnx-tabular"),
      model: bindable(VersionedName),
      inputName: z.string().optional(),
      /** Columns, in order, that form the float input tensor [rows, columns.length]. */
      columns: z.array(z.string().min(1)).min(1),
      /** Model outputs to append, with the column names to give them. */
      outputs: z.array(z.object({ name: z.string().min(1), column: z.string().min(1).optional() }).strict()).optional(),
      /** Input columns copied to each output row (e.g. an id); default all input columns. */
      keepColumns: z.array(z.string()).optional(),
      intraOpThreads: IntraOpThreads,
    })
    .strict(),
);
export type TabularScorerSettings = z.infer<typeof TabularScorerSettings>;

export const BuiltinScorer = z.union([ImageClassifierSettings, TabularScorerSettings]);
export type BuiltinScorer = z.infer<typeof BuiltinScorer>;

/**
 * The ranges of the ParallelRunConfig numbers, one contract for the designer, the API, the CLI and
 * the engine: a whole number past them (a node_count of a million, 99999999999999999999999 that
 * JavaScript would read as 1e+23) is refused with a sentence naming the field, never stored.
 */
export const RUN_CONFIG_LIMITS = {
  nodeCount: { snake: "node_count", min: 1, max: 100 },
  processCountPerNode: { snake: "process_count_per_node", min: 1, max: 256 },
  runMaxTry: { snake: "run_max_try", min: 1, max: 100 },
  errorThreshold: { snake: "error_threshold", min: -1, max: Number.MAX_SAFE_INTEGER },
  allowedFailedCount: { snake: "allowed_failed_count", min: -1, max: Number.MAX_SAFE_INTEGER },
  /** MB; 1 TB. */
  processMemoryLimit: { snake: "process_memory_limit", min: 64, max: 1024 * 1024, unit: "MB" },
} as const;
export type LimitedIntField = keyof typeof RUN_CONFIG_LIMITS;

/** Seconds a timeout may be: up to 7 days. */
export const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
/** A file mini_batch_size: at most a million files per run() call. */
export const MAX_FILES_PER_MINI_BATCH = 1_000_000;

/**
 * Why a whole-number setting is out of its contract (undefined: it is fine). Takes what was typed
 * or sent: a number or its text; a parameter binding is checked when the run resolves it.
 */
export function wholeNumberProblem(field: LimitedIntField, value: unknown): string | undefined {
  const { snake, min, max } = RUN_CONFIG_LIMITS[field];
  const text = String(value).trim();
  const n = Number(text);
  const what = `${snake} must be a whole number${"unit" in RUN_CONFIG_LIMITS[field] ? " of MB" : ""}`;
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  if (/^-?\d+$/.test(text) && !Number.isSafeInteger(n)) return `${snake} '${text.slice(0, 40)}' is too large: give a whole number ${range}`;
  if (!/^-?\d+$/.test(text) || n < min) return `${what} >= ${min}, got '${text.slice(0, 80)}'`;
  if (n > max) return `${what} <= ${max}, got '${text}'`;
  return undefined;
}

/** A timeout in seconds: a number > 0 and at most MAX_TIMEOUT_SECONDS. */
export function timeoutProblem(snake: string, value: unknown): string | undefined {
  const text = String(value).trim();
  const n = Number(text);
  if (text === "" || !Number.isFinite(n) || n <= 0) return `${snake} must be a number of seconds > 0, got '${text.slice(0, 80)}'`;
  if (n > MAX_TIMEOUT_SECONDS) return `${snake} must be at most ${MAX_TIMEOUT_SECONDS} seconds (7 days), got ${text.slice(0, 40)}`;
  return undefined;
}

/** A literal (not bound) whole-number field, checked against RUN_CONFIG_LIMITS. */
const limitedInt = (field: LimitedIntField) =>
  bindable(
    z.union([z.number(), z.string()]).superRefine((v, ctx) => {
      const problem = wholeNumberProblem(field, v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  );
const limitedTimeout = (snake: string) =>
  bindable(
    z.union([z.number(), z.string()]).superRefine((v, ctx) => {
      const problem = timeoutProblem(snake, v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  );

/** A resolved whole number inside its RUN_CONFIG_LIMITS range. */
const resolvedInt = (field: LimitedIntField) =>
  z.coerce
    .number()
    .int()
    .superRefine((v, ctx) => {
      const problem = wholeNumberProblem(field, v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

/** A node process needs about 50 MB to start; a lower process_memory_limit could never run a script. */
export const MIN_PROCESS_MEMORY_LIMIT_MB = 64;

/** init() loads models, which can take minutes; a hung init() must still not hold a pool forever. */
export const DEFAULT_INIT_TIMEOUT_SECONDS = 300;

/** `local` (this studio's own worker pool) or the name of an agent pool (`prs agent --pool <name>`). */
export const LOCAL_COMPUTE = "local";
export const ComputeTarget = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, "compute_target must be 'local' or an agent pool name (letters, digits, '-' and '_', up to 63)");

/**
 * ParallelRunConfig as written by users (designer panel, API, CLI definitions): fields may be
 * bound to pipeline parameters. `resolveParallelRunConfig` turns it into `ResolvedRunConfig`.
 */
export const ParallelRunConfig = acceptSnakeCase(
  z
    .object({
      /** The user script, relative to sourceDirectory; or `scorer` for a built-in ONNX scorer. */
      entryScript: z.string().min(1).optional(),
      sourceDirectory: z.string().min(1).optional(),
      scorer: BuiltinScorer.optional(),
      /** Files per run() call (file data) or approximate bytes such as "1MB" (tabular data). */
      miniBatchSize: bindable(z.union([z.string(), z.number()])).optional(),
      /** Failed items tolerated over the whole input; -1 ignores all failures. */
      errorThreshold: limitedInt("errorThreshold"),
      allowedFailedCount: limitedInt("allowedFailedCount").optional(),
      allowedFailedPercent: bindable(z.union([z.number(), z.string()])).optional(),
      outputAction: OutputAction,
      appendRowFileName: z.string().min(1).default("parallel_run_step.txt"),
      nodeCount: limitedInt("nodeCount").default(1),
      processCountPerNode: limitedInt("processCountPerNode").default(1),
      /** Seconds one run() call may take before its process is replaced. */
      runInvocationTimeout: limitedTimeout("run_invocation_timeout").default(60),
      /** Seconds a worker process may take to start and finish init() before it is replaced. */
      initTimeout: limitedTimeout("init_timeout").default(DEFAULT_INIT_TIMEOUT_SECONDS),
      runMaxTry: limitedInt("runMaxTry").default(3),
      /** MB of memory one worker process may use (V8 heap and native); over it, the process is stopped. */
      processMemoryLimit: limitedInt("processMemoryLimit").optional(),
      loggingLevel: bindable(z.string()).default("INFO"),
      environmentVariables: z.record(z.string(), z.string()).default({}),
      partitionKeys: z.array(z.string().min(1)).optional(),
      /** Registered environment ("name" = latest, or "name:version") whose packages the entry script imports. */
      environment: bindable(VersionedName).optional(),
      /** Where the step runs: `local` (default) or an agent pool; node_count agents of the pool. */
      computeTarget: ComputeTarget.optional(),
    })
    .strict(),
);
export type ParallelRunConfig = z.infer<typeof ParallelRunConfig>;

/** The config after parameter resolution, checked field by field: what the engine runs. */
export const ResolvedRunConfig = z.object({
  entryScript: z.string().optional(),
  sourceDirectory: z.string().optional(),
  scorer: BuiltinScorer.optional(),
  /** Files per mini-batch for file data, bytes per mini-batch for tabular data. */
  miniBatchSize: z.number().int().positive(),
  errorThreshold: z.number().int().min(-1),
  allowedFailedCount: z.number().int().min(-1).optional(),
  allowedFailedPercent: z.number().min(0).max(100).optional(),
  outputAction: OutputAction,
  appendRowFileName: z.string(),
  nodeCount: resolvedInt("nodeCount"),
  processCountPerNode: resolvedInt("processCountPerNode"),
  runInvocationTimeout: z.number().positive().max(MAX_TIMEOUT_SECONDS),
  initTimeout: z.number().positive().max(MAX_TIMEOUT_SECONDS).default(DEFAULT_INIT_TIMEOUT_SECONDS),
  runMaxTry: resolvedInt("runMaxTry"),
  processMemoryLimit: z.number().int().min(MIN_PROCESS_MEMORY_LIMIT_MB).optional(),
  loggingLevel: LoggingLevel,
  environmentVariables: z.record(z.string(), z.string()),
  partitionKeys: z.array(z.string()).optional(),
  /** The registered environment as named ("name" or "name:version"); the engine pins its version. */
  environment: VersionedName.optional(),
  /** An agent pool's name; absent or `local` runs on this studio's worker pool. */
  computeTarget: ComputeTarget.optional(),
});
export type ResolvedRunConfig = z.infer<typeof ResolvedRunConfig>;

/** A step's config as stored with its StepRun: the resolved config and what its output turned out to be. */
export const StoredStepConfig = ResolvedRunConfig.extend({
  /** Whether the merged output starts with a header row (run() returned objects). */
  columns: z.boolean().optional(),
  /** Size and rows of the output written whole; a file by that name of another size is not served. */
  outputBytes: z.number().int().nonnegative().optional(),
  outputRows: z.number().int().nonnegative().optional(),
});
export type StoredStepConfig = z.infer<typeof StoredStepConfig>;

/** The part of a stored step config that says where its output is and how it was written. */
export const StoredStepOutput = StoredStepConfig.pick({ outputAction: true, appendRowFileName: true, columns: true, outputBytes: true, outputRows: true });

export { ParamRef };
