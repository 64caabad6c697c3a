import { z } from "zod";

/**
 * Every status a run, step, mini-batch or try can have: stored in the database, streamed to
 * browsers, shown by the CLI. The database columns are strings parsed with these at the boundary.
 */

export const RunStatus = z.enum(["queued", "running", "cancelling", "completed", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatus>;

/** A run in one of these states never changes again (until resumed, which queues it anew). */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["completed", "failed", "cancelled"];
export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

/** A run stays cancellable (and its progress live) while it is in one of these states. */
export function isActiveRunStatus(status: RunStatus): boolean {
  return status === "running" || status === "cancelling";
}

export const StepStatus = z.enum(["pending", "planning", "running", "completed", "failed", "cancelled", "reused"]);
export type StepStatus = z.infer<typeof StepStatus>;

/** Steps whose output is whole: computed here, or copied from an identical earlier step. */
export const STEP_STATUSES_WITH_OUTPUT: readonly StepStatus[] = ["completed", "reused"];
export function hasStepOutput(status: StepStatus): boolean {
  return STEP_STATUSES_WITH_OUTPUT.includes(status);
}

export const MiniBatchStatus = z.enum(["pending", "running", "succeeded", "failed"]);
export type MiniBatchStatus = z.infer<typeof MiniBatchStatus>;

/**
 * How one try of a mini-batch ended (Azure's names). STORAGE_ERROR: the worker could not write
 * the mini-batch's output or log (full disk, read-only folder); not the script's fault and not
 * helped by a retry: the step stops, the mini-batch stays unfinished, resume runs it later.
 * MEMORY_LIMIT: the process went over process_memory_limit and was stopped; a failed try.
 */
export const AttemptStatus = z.enum(["RUN_DONE", "RUN_EXCEPTION", "RUN_TIMEOUT", "PROCESS_DIED", "MEMORY_LIMIT", "RESULT_COUNT_ERROR", "STORAGE_ERROR"]);
export type AttemptStatus = z.infer<typeof AttemptStatus>;
