import type { StepCounters } from "@/lib/contracts/run-events";
import type { RunStatus, StepStatus } from "@/lib/contracts/statuses";

/**
 * What a run or step came to, in words and colours that match it: a "completed" run whose every
 * item failed is not green, one with some failed items is a warning.
 */
export type Outcome = RunStatus | StepStatus | "completed_with_failures" | "all_items_failed";
export type Tone = "success" | "warning" | "danger" | "active" | "idle";

type Counted = Pick<StepCounters, "succeededItems" | "failedItems">;

export function outcomeOf(status: RunStatus | StepStatus, counters?: Counted): Outcome {
  if (status !== "completed" || !counters || counters.failedItems === 0) return status;
  return counters.succeededItems === 0 ? "all_items_failed" : "completed_with_failures";
}

/** The outcome of a run from its steps' counters (items summed over steps). */
export function runOutcome(status: RunStatus, steps: { counters: Counted }[]): Outcome {
  const sum = steps.reduce((t, s) => ({ succeededItems: t.succeededItems + s.counters.succeededItems, failedItems: t.failedItems + s.counters.failedItems }), {
    succeededItems: 0,
    failedItems: 0,
  });
  return outcomeOf(status, sum);
}

export const outcomeTone: Record<Outcome, Tone> = {
  completed: "success",
  reused: "success",
  completed_with_failures: "warning",
  cancelled: "warning",
  cancelling: "warning",
  all_items_failed: "danger",
  failed: "danger",
  running: "active",
  planning: "active",
  queued: "idle",
  pending: "idle",
};

export const outcomeText: Record<Outcome, string> = {
  completed: "completed",
  reused: "reused",
  completed_with_failures: "completed with failures",
  all_items_failed: "all items failed",
  cancelled: "cancelled",
  cancelling: "cancelling",
  failed: "failed",
  running: "running",
  planning: "planning",
  queued: "queued",
  pending: "pending",
};

export const toneClass: Record<Tone, { badge: string; border: string; dot: string; bar: string; panel: string }> = {
  success: {
    badge: "bg-green-100 text-green-800 dark:bg-green-900/60 dark:text-green-200",
    border: "border-green-500",
    dot: "bg-green-500",
    bar: "bg-green-500",
    panel: "border-green-200 bg-green-50 dark:border-green-800 dark:bg-green-950/40",
  },
  warning: {
    badge: "bg-amber-100 text-amber-900 dark:bg-amber-900/60 dark:text-amber-100",
    border: "border-amber-500",
    dot: "bg-amber-500",
    bar: "bg-amber-500",
    panel: "border-amber-200 bg-amber-50 dark:border-amber-800 dark:bg-amber-950/40",
  },
  danger: {
    badge: "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200",
    border: "border-red-500",
    dot: "bg-red-500",
    bar: "bg-red-500",
    panel: "border-red-200 bg-red-50 dark:border-red-800 dark:bg-red-950/40",
  },
  active: {
    badge: "bg-blue-100 text-blue-800 dark:bg-blue-900/60 dark:text-blue-200",
    border: "border-blue-500",
    dot: "bg-blue-500",
    bar: "bg-blue-500",
    panel: "border-blue-200 bg-blue-50 dark:border-blue-800 dark:bg-blue-950/40",
  },
  idle: {
    badge: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
    border: "border-slate-300 dark:border-slate-600",
    dot: "bg-slate-400",
    bar: "bg-slate-400",
    panel: "border-slate-200 bg-slate-50 dark:border-slate-700 dark:bg-slate-900",
  },
};
