import { z } from "zod";
import { ItemError, ProcessLifecycle, ProcessRef } from "../contracts/run-events";
import { AttemptStatus } from "../contracts/statuses";

/**
 * What crosses Redis between the orchestrator and agents. Jobs carry ids and the item spec, never
 * data; results carry counters and where the rows were written (a segment object), never rows.
 */

/** A file the studio serves by content hash; `name` is its path relative to its folder. */
export const FileRef = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative(), name: z.string().min(1) });
export type FileRef = z.infer<typeof FileRef>;

export const ItemsSpecSchema = z.union([
  z.object({ kind: z.literal("files"), datastore: z.string(), root: z.string(), names: z.array(z.string()) }),
  z.object({ kind: z.literal("tabular"), datastore: z.string(), options: z.unknown(), slice: z.unknown() }),
]);

/** One BullMQ job: one try of one mini-batch. */
export const MiniBatchJob = z.object({
  stepKey: z.string(),
  idx: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  items: ItemsSpecSchema,
});
export type MiniBatchJob = z.infer<typeof MiniBatchJob>;

/** The bytes a finished mini-batch wrote, as an object in the step's output datastore. */
/** The folder of the output datastore where agents write a step's segment objects (deleted when the step ends). */
export function segmentFolderOf(outputPath: string, stepKey: string): string {
  return `${outputPath}/.prs-segments/${stepKey}`;
}

export const SegmentObject = z.object({
  path: z.string(),
  /** Where the mini-batch's bytes start in the object (an agent writes several mini-batches per object). */
  offset: z.number().int().nonnegative().default(0),
  length: z.number().int().nonnegative(),
  columns: z.array(z.string()).nullable(),
});
export type SegmentObject = z.infer<typeof SegmentObject>;

export const RemoteResult = z.object({
  idx: z.number().int(),
  attempt: z.number().int(),
  status: AttemptStatus,
  itemCount: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  runSeconds: z.number(),
  totalSeconds: z.number(),
  error: z.string().optional(),
  stack: z.string().optional(),
  itemErrors: z.array(ItemError),
  segment: SegmentObject.optional(),
});
export type RemoteResult = z.infer<typeof RemoteResult>;

/** An entry of a step's results stream. */
export const ResultsEntry = z.discriminatedUnion("type", [
  z.object({ type: z.literal("attempt"), agentId: z.string(), result: RemoteResult, where: ProcessRef }),
  z.object({ type: z.literal("process"), agentId: z.string(), event: ProcessLifecycle }),
]);
export type ResultsEntry = z.infer<typeof ResultsEntry>;

export const ControlMessage = z.object({ type: z.enum(["step_ended", "cancel"]), stepKey: z.string() });
export type ControlMessage = z.infer<typeof ControlMessage>;

/** Everything an agent needs to run a step's mini-batches; paths are replaced by file references. */
export const StepSetup = z.object({
  runId: z.string(),
  stepName: z.string(),
  stepKey: z.string(),
  entry: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("builtin"), scorer: z.enum(["onnx-image-classifier", "onnx-tabular"]) }),
    /** The entry script's folder (or the script alone), and the module's path in it. */
    z.object({ kind: z.literal("script"), tree: z.array(FileRef), module: z.string() }),
  ]),
  entryLabel: z.string(),
  settings: z.unknown().optional(),
  /** Scorer settings that name a file on the studio (modelPath, labelsPath): fetched by the agent. */
  settingsFiles: z.record(z.string(), FileRef),
  loggingLevel: z.enum(["WARNING", "INFO", "DEBUG"]),
  arguments: z.array(z.string()),
  sideInputs: z.record(z.string(), z.array(FileRef)),
  datastores: z.record(z.string(), z.object({ kind: z.enum(["local", "azure-blob"]), config: z.unknown(), secret: z.unknown().optional() })),
  outputAction: z.enum(["append_row", "summary_only"]),
  output: z.object({ datastore: z.string(), path: z.string() }),
  environment: z.record(z.string(), z.string()),
  processCountPerNode: z.number().int().positive(),
  /** node_count: how many agents of the pool take this step's mini-batches (seats, lib/cluster/seats.ts). */
  nodeCount: z.number().int().positive().optional(),
  /** The step's environment: built by each agent into its own cache from these two files (same build as the studio's). */
  environmentBuild: z
    .object({
      label: z.string(),
      contentHash: z.string().regex(/^[0-9a-f]{64}$/),
      nodeMajor: z.number().int(),
      trustedScripts: z.array(z.string()),
      packageJson: FileRef,
      packageLock: FileRef,
    })
    .optional(),
  runInvocationTimeout: z.number().positive(),
  initTimeout: z.number().positive(),
  processMemoryLimit: z.number().int().optional(),
  runMaxTry: z.number().int().positive(),
});
export type StepSetup = z.infer<typeof StepSetup>;

/**
 * A piece of a log file an agent ships to the studio (its logs stream): `path` is relative to the
 * step's log folder on the agent, `offset` where the bytes go in the file, so a chunk read twice
 * (a takeover reads the stream again) writes the same bytes in the same place.
 */
export const LogChunk = z.object({
  agentId: z.string(),
  /** The agent's folder under the step's logs on the studio: agents/<folder>/ (host and node id). */
  folder: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/),
  path: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/)
    .refine((p) => !p.split("/").some((part) => part === ".." || part === "."), { error: "a log path has no '.' or '..' parts" }),
  offset: z.number().int().nonnegative(),
  /** The bytes, base64. */
  data: z.string(),
});
export type LogChunk = z.infer<typeof LogChunk>;

/** The end of an agent's logs of a step: everything it had was shipped before this. */
export const LogEnd = z.object({ agentId: z.string(), end: z.literal(true) });

/** A step's processes on one agent, from its heartbeat: the run page's process table. */
export const AgentStepWorkers = z.object({
  agentId: z.string(),
  host: z.string(),
  nodeId: z.number().int(),
  at: z.number(),
  processes: z.array(
    z.object({
      processId: z.number().int(),
      pid: z.number().int().optional(),
      ready: z.boolean(),
      retired: z.boolean(),
      current: z.number().int().optional(),
      rssBytes: z.number().optional(),
      cpuPercent: z.number().optional(),
    }),
  ),
});
export type AgentStepWorkers = z.infer<typeof AgentStepWorkers>;

export { AgentInfo, AgentState } from "../contracts/agents";
