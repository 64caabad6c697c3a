import type { RunView, StepView } from "@/lib/contracts/run-events";
import { isTerminalRunStatus } from "@/lib/contracts/statuses";
import { durationBetween } from "./format";

export interface RunFigures {
  done: number;
  total: number;
  failed: number;
  /** Live: the steps' current rate; ended: items over the run's duration (undefined before any). */
  itemsPerSecond?: number;
  etaSeconds?: number;
}

/** The run header's figures: a finished run shows its average throughput, not a live rate of 0. */
export function runFigures(run: Pick<RunView, "status" | "startedAt" | "endedAt">, steps: StepView[], now = Date.now()): RunFigures {
  const done = steps.reduce((n, s) => n + s.counters.succeededItems + s.counters.failedItems, 0);
  const total = steps.reduce((n, s) => n + s.counters.totalItems, 0);
  const failed = steps.reduce((n, s) => n + s.counters.failedItems, 0);
  if (isTerminalRunStatus(run.status)) {
    const seconds = durationBetween(run.startedAt, run.endedAt, now);
    // A reused step copied its output: its items were not processed in this run's time.
    const processed = steps.filter((s) => s.status !== "reused").reduce((n, s) => n + s.counters.succeededItems + s.counters.failedItems, 0);
    return { done, total, failed, itemsPerSecond: seconds && seconds > 0 && processed > 0 ? processed / seconds : undefined };
  }
  const live = steps.filter((s) => s.status === "running");
  const etas = live.flatMap((s) => (s.etaSeconds === undefined ? [] : [s.etaSeconds]));
  return {
    done,
    total,
    failed,
    itemsPerSecond: live.length ? live.reduce((n, s) => n + s.itemsPerSecond, 0) : undefined,
    etaSeconds: etas.length ? Math.max(...etas) : undefined,
  };
}

/** A step's throughput: live while it runs, its average over its duration once it ended. */
export function stepThroughput(step: StepView, now = Date.now()): { itemsPerSecond?: number; average: boolean } {
  if (step.status === "running" || step.status === "planning") return { itemsPerSecond: step.itemsPerSecond, average: false };
  const seconds = durationBetween(step.startedAt, step.endedAt, now);
  const items = step.counters.succeededItems + step.counters.failedItems;
  if (!step.endedAt || !seconds || seconds <= 0 || items === 0 || step.status === "reused") return { average: true };
  return { itemsPerSecond: items / seconds, average: true };
}
