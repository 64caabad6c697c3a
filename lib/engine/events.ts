import type { ProcessEvent } from "./agent";
import type { StepCounters } from "./step-executor";

/**
 * What a run tells its watchers. The engine publishes without knowing who listens (log, database,
 * server-sent events, Redis): one interface, an implementation per transport.
 */
export type RunEvent =
  | { type: "run_status"; runId: string; status: string; reason?: string }
  | { type: "step_status"; runId: string; step: string; status: string; reason?: string }
  | { type: "progress"; runId: string; step: string; counters: StepCounters; itemsPerSecond: number; etaSeconds?: number }
  | {
      type: "attempt";
      runId: string;
      step: string;
      idx: number;
      attempt: number;
      status: string;
      succeeded: number;
      failed: number;
      error?: string;
      itemErrors: { item: string; reason: string }[];
      stack?: string;
      itemCount?: number;
      willRetry?: boolean;
      where?: { nodeId: number; processId: number; pid?: number };
    }
  | { type: "process"; runId: string; step: string; event: ProcessEvent }
  | { type: "workers"; runId: string; step: string; processes: WorkerProcessState[] };

/** One worker process as the orchestrator sees it at a flush (memory read from /proc on Linux). */
export interface WorkerProcessState {
  nodeId: number;
  processId: number;
  pid?: number;
  ready: boolean;
  retired: boolean;
  /** The mini-batch it is running now. */
  current?: number;
  rssBytes?: number;
}

export interface RunEventSink {
  publish(event: RunEvent): void;
}

export const noEvents: RunEventSink = { publish() {} };
