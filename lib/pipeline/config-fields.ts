import { LOGGING_LEVELS, OUTPUT_ACTIONS, ParallelRunConfig } from "../contracts/parallel-run-config";

/** How a ParallelRunConfig field is edited and explained; the contract itself stays the zod schema. */
export interface ConfigFieldMeta {
  /** The name Azure users know, shown beside the label. */
  snake: string;
  label: string;
  input: "int" | "number" | "size" | "text" | "enum" | "list";
  unit?: string;
  help: string;
  options?: readonly string[];
  /** Can be a pipeline parameter (PipelineParameter in Azure). */
  bindable: boolean;
  required?: boolean;
  /** Shown as the placeholder when the field is left empty. */
  defaultText?: string;
}

type ScalarField = Exclude<keyof ParallelRunConfig, "entryScript" | "sourceDirectory" | "scorer" | "environmentVariables">;

/** Defaults as the contract applies them (so the panel can never disagree with the engine). */
export const CONFIG_DEFAULTS: ParallelRunConfig = ParallelRunConfig.parse({ errorThreshold: 0, outputAction: "append_row" });

const dflt = (key: keyof ParallelRunConfig) => {
  const v = CONFIG_DEFAULTS[key];
  return v === undefined || typeof v === "object" ? undefined : String(v);
};

/** Every scalar ParallelRunConfig field, in the order the panel shows them (a Record keeps it complete). */
export const CONFIG_FIELDS: Record<ScalarField, ConfigFieldMeta> = {
  miniBatchSize: {
    snake: "mini_batch_size",
    label: "Mini-batch size",
    input: "size",
    unit: "files, or bytes for tabular data",
    help: "Files per run() call for file data; approximate bytes per call for tabular data (1024, 1024KB, 10MB, 1GB).",
    bindable: true,
    defaultText: "10 files / 1MB",
  },
  errorThreshold: {
    snake: "error_threshold",
    label: "Error threshold",
    input: "int",
    unit: "failed items",
    help: "Failed items (files or records) tolerated over the whole input before the step aborts; -1 ignores all failures.",
    bindable: true,
    required: true,
  },
  allowedFailedCount: {
    snake: "allowed_failed_count",
    label: "Allowed failed mini-batches",
    input: "int",
    unit: "mini-batches",
    help: "Failed mini-batches tolerated; a mini-batch that succeeds on retry does not count. Empty: unset.",
    bindable: true,
  },
  allowedFailedPercent: {
    snake: "allowed_failed_percent",
    label: "Allowed failed percent",
    input: "number",
    unit: "% of mini-batches",
    help: "Percent of failed mini-batches tolerated, checked once every mini-batch is scheduled. Empty: unset.",
    bindable: true,
  },
  outputAction: {
    snake: "output_action",
    label: "Output action",
    input: "enum",
    options: OUTPUT_ACTIONS,
    help: "append_row: values returned by run() are appended to one output file. summary_only: the script writes its own outputs.",
    bindable: false,
    required: true,
  },
  appendRowFileName: {
    snake: "append_row_file_name",
    label: "Append-row file name",
    input: "text",
    help: "Name of the append_row output file.",
    bindable: false,
    defaultText: dflt("appendRowFileName"),
  },
  nodeCount: {
    snake: "node_count",
    label: "Node count",
    input: "int",
    unit: "nodes",
    help: "Machines (node agents) that run the script.",
    bindable: true,
    defaultText: dflt("nodeCount"),
  },
  processCountPerNode: {
    snake: "process_count_per_node",
    label: "Processes per node",
    input: "int",
    unit: "processes",
    help: "Worker processes per node; parallel run() calls = node count x processes per node.",
    bindable: true,
    defaultText: dflt("processCountPerNode"),
  },
  runInvocationTimeout: {
    snake: "run_invocation_timeout",
    label: "Run invocation timeout",
    input: "number",
    unit: "seconds",
    help: "Seconds one run() call may take before its process is replaced and the try counts as failed.",
    bindable: true,
    defaultText: dflt("runInvocationTimeout"),
  },
  initTimeout: {
    snake: "init_timeout",
    label: "Init timeout",
    input: "number",
    unit: "seconds",
    help: "Seconds a worker process may take to start and finish init(); a slower one is replaced and the try counts as a failed init().",
    bindable: true,
    defaultText: dflt("initTimeout"),
  },
  runMaxTry: {
    snake: "run_max_try",
    label: "Max tries",
    input: "int",
    unit: "tries",
    help: "Tries of one mini-batch (exception, timeout or missing results) before it is marked failed.",
    bindable: true,
    defaultText: dflt("runMaxTry"),
  },
  processMemoryLimit: {
    snake: "process_memory_limit",
    label: "Process memory limit",
    input: "int",
    unit: "MB",
    help: "Memory one worker process may use (JavaScript heap and native, e.g. onnxruntime); a process over it is stopped and its mini-batch's try fails. Empty: no limit.",
    bindable: true,
    defaultText: "no limit",
  },
  loggingLevel: {
    snake: "logging_level",
    label: "Logging level",
    input: "enum",
    options: LOGGING_LEVELS,
    help: "Level of the entry script's logger.",
    bindable: true,
    defaultText: dflt("loggingLevel"),
  },
  computeTarget: {
    snake: "compute_target",
    label: "Compute target",
    input: "text",
    unit: "local or an agent pool",
    help: "Where the step runs: local (this studio's worker pool) or the name of an agent pool (prs agent --pool <name>); node_count agents of the pool run it.",
    bindable: false,
    defaultText: "local",
  },
  environment: {
    snake: "environment",
    label: "Environment",
    input: "text",
    unit: "name or name:version",
    help: "Registered environment (packages from a package-lock.json, built once per machine) the entry script imports from first. Empty: only the script folder's and the studio's packages.",
    bindable: true,
    defaultText: "none",
  },
  partitionKeys: {
    snake: "partition_keys",
    label: "Partition keys",
    input: "list",
    unit: "column names, comma separated",
    help: "Tabular data only: one mini-batch per group of key values; overrides mini-batch size.",
    bindable: false,
  },
};

export const CONFIG_FIELD_KEYS = Object.keys(CONFIG_FIELDS) as ScalarField[];
export type { ScalarField as ConfigFieldKey };
