import { z } from "zod";
import { AttemptStatus, RunStatus, StepStatus } from "./statuses";

/**
 * What the server streams to a run's viewers (SSE `data:` of each message, keyed by `type`).
 * Shared by the worker (which stores events), the server (which streams them) and the browser
 * (which parses every message with `RunStreamEvent`). Every event sets state (absolute
 * counters, statuses), so replaying one twice or after a snapshot does no harm.
 */

export const StepCounters = z.object({
  totalMiniBatches: z.number(),
  scheduledMiniBatches: z.number(),
  succeededMiniBatches: z.number(),
  failedMiniBatches: z.number(),
  runningMiniBatches: z.number(),
  totalItems: z.number(),
  succeededItems: z.number(),
  failedItems: z.number(),
  retries: z.number(),
});
export type StepCounters = z.infer<typeof StepCounters>;

/** A step's counters before anything was planned. */
export function emptyCounters(): StepCounters {
  return {
    totalMiniBatches: 0,
    scheduledMiniBatches: 0,
    succeededMiniBatches: 0,
    failedMiniBatches: 0,
    runningMiniBatches: 0,
    totalItems: 0,
    succeededItems: 0,
    failedItems: 0,
    retries: 0,
  };
}

/** Which worker process: node (agent) number, process number on that node, its OS pid once started. */
export const ProcessRef = z.object({ nodeId: z.number(), processId: z.number(), pid: z.number().optional() });
export type ProcessRef = z.infer<typeof ProcessRef>;

/** Milliseconds since the epoch when the worker published the event. */
const at = z.number();

export const RunStatusEvent = z.object({ type: z.literal("run_status"), runId: z.string(), status: RunStatus, reason: z.string().optional(), at });
export type RunStatusEvent = z.infer<typeof RunStatusEvent>;

export const StepStatusEvent = z.object({
  type: z.literal("step_status"),
  runId: z.string(),
  step: z.string(),
  status: StepStatus,
  reason: z.string().optional(),
  at,
});
export type StepStatusEvent = z.infer<typeof StepStatusEvent>;

export const ProgressEvent = z.object({
  type: z.literal("progress"),
  runId: z.string(),
  step: z.string(),
  counters: StepCounters,
  itemsPerSecond: z.number(),
  etaSeconds: z.number().optional(),
  at,
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

export const ItemError = z.object({ item: z.string(), reason: z.string() });
export type ItemError = z.infer<typeof ItemError>;

/** A failed or retried try of a mini-batch (successful tries are not stored). */
export const AttemptEvent = z.object({
  type: z.literal("attempt"),
  runId: z.string(),
  step: z.string(),
  idx: z.number(),
  attempt: z.number(),
  status: AttemptStatus,
  succeeded: z.number(),
  failed: z.number(),
  error: z.string().optional(),
  stack: z.string().optional(),
  itemCount: z.number().optional(),
  willRetry: z.boolean().optional(),
  where: ProcessRef.optional(),
  itemErrors: z.array(ItemError),
  /** Item errors left out to keep the stored events small. */
  itemErrorsOmitted: z.number().optional(),
  at,
});
export type AttemptEvent = z.infer<typeof AttemptEvent>;

export const ProcessLifecycle = z.discriminatedUnion("type", [
  z.object({ type: z.literal("process_ready"), where: ProcessRef }),
  z.object({ type: z.literal("process_init_failed"), where: ProcessRef, error: z.string(), retired: z.boolean() }),
  z.object({ type: z.literal("process_exited"), where: ProcessRef, code: z.number().nullable(), signal: z.string().nullable(), expected: z.boolean() }),
]);
/** What happened to a worker process (started, failed its init(), exited). */
export type ProcessLifecycle = z.infer<typeof ProcessLifecycle>;

export const ProcessEvent = z.object({ type: z.literal("process"), runId: z.string(), step: z.string(), event: ProcessLifecycle, at });
export type ProcessEvent = z.infer<typeof ProcessEvent>;

export const WorkerProcess = z.object({
  nodeId: z.number(),
  processId: z.number(),
  pid: z.number().optional(),
  ready: z.boolean(),
  retired: z.boolean(),
  current: z.number().optional(),
  rssBytes: z.number().optional(),
  /** The agent's machine, for a process of a step on an agent pool (lib/cluster). */
  host: z.string().optional(),
  /** CPU of the process over its agent's last heartbeat interval, percent of one core. */
  cpuPercent: z.number().optional(),
});
export type WorkerProcess = z.infer<typeof WorkerProcess>;

export const WorkersEvent = z.object({ type: z.literal("workers"), runId: z.string(), step: z.string(), processes: z.array(WorkerProcess), at });
export type WorkersEvent = z.infer<typeof WorkersEvent>;

/** Events the worker stores (RunEvent.payload) and the stream relays. */
export const StoredRunEvent = z.discriminatedUnion("type", [RunStatusEvent, StepStatusEvent, ProgressEvent, AttemptEvent, ProcessEvent, WorkersEvent]);
export type StoredRunEvent = z.infer<typeof StoredRunEvent>;

/** An event before its transport stamps `at` (each member of a union without its `at`). */
export type Unstamped<T> = T extends unknown ? Omit<T, "at"> : never;

/** What the engine publishes: a stored event without its time, which the transport adds. */
export type RunEvent = Unstamped<StoredRunEvent>;

/** A run's parameter values after defaults and overrides (stored with the run). */
export const RunParameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type RunParameters = z.infer<typeof RunParameters>;

export const RunView = z.object({
  id: z.string(),
  pipeline: z.string(),
  pipelineVersion: z.number(),
  experimentName: z.string(),
  status: RunStatus,
  statusReason: z.string().nullable(),
  parameters: RunParameters,
  /** Who submitted it (email), or "local CLI"; null for runs from before sign-in existed. */
  createdBy: z.string().nullable().optional(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type RunView = z.infer<typeof RunView>;

export const StepView = z.object({
  name: z.string(),
  /** Steps whose output this step reads. */
  dependsOn: z.array(z.string()),
  status: StepStatus,
  statusReason: z.string().nullable(),
  counters: StepCounters,
  itemsPerSecond: z.number(),
  etaSeconds: z.number().optional(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  outputAction: z.string().optional(),
  appendRowFileName: z.string().optional(),
});
export type StepView = z.infer<typeof StepView>;

export const ThroughputPoint = z.object({ at: z.number(), items: z.number(), itemsPerSecond: z.number() });
export type ThroughputPoint = z.infer<typeof ThroughputPoint>;

/** The current state of a run, sent first on every fresh connection (a reload shows it at once). */
export const RunSnapshot = z.object({
  type: z.literal("snapshot"),
  run: RunView,
  steps: z.array(StepView),
  workers: z.record(z.string(), z.array(WorkerProcess)),
  throughput: z.record(z.string(), z.array(ThroughputPoint)),
  failures: z.array(AttemptEvent),
  /** Id of the last event the snapshot includes; the stream continues after it. */
  lastEventId: z.number(),
});
export type RunSnapshot = z.infer<typeof RunSnapshot>;

export const RunStreamEvent = z.discriminatedUnion("type", [
  RunSnapshot,
  RunStatusEvent,
  StepStatusEvent,
  ProgressEvent,
  AttemptEvent,
  ProcessEvent,
  WorkersEvent,
]);
export type RunStreamEvent = z.infer<typeof RunStreamEvent>;
