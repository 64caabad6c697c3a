import type { StepCounters } from "../../contracts/run-events";
import type { StepOutcome } from "../step-executor";
import { writeStepOutput } from "../step-output";
import { registerOutput, type StepContext, type StepResult } from "./context";
import type { Execution } from "./execute";
import type { StepMiniBatches } from "./mini-batches";
import type { ResolvedStep } from "./resolve";

/**
 * Ends the step: merges the append_row output (unless the step was stopped by storage), writes
 * the final reports and records the step's status and sentence under the lease.
 */
export async function mergeAndFinish(
  ctx: StepContext,
  resolved: ResolvedStep,
  stepRunId: string,
  execution: Execution,
  miniBatches: StepMiniBatches,
): Promise<StepResult> {
  const { run, step, lease, events } = ctx;
  const { config, target } = resolved;
  const { outcome, reports } = execution;
  // A step stopped by a storage failure merges nothing: the disk is still full.
  const skipMerge = config.outputAction !== "append_row" || reports.failure !== undefined || execution.storageStopped;
  const { output, status, failure } = skipMerge
    ? { status: outcome.status }
    : await writeStepOutput(outcome, miniBatches.states, miniBatches.outputs, target, config.appendRowFileName);
  // Since the step first started (a resumed step counts its earlier sessions too), as the run's header does.
  const stepRow = await ctx.deps.db.stepRun.findUnique({ where: { id: stepRunId }, select: { startedAt: true } });
  const since = stepRow?.startedAt?.getTime() ?? execution.started;
  const sentence = stepSentence(status, outcome, failure, (Date.now() - since) / 1000);
  const reportFailure = reports.finishOrExplain(sentence);
  const finalStatus = reportFailure ? "failed" : status;
  const finalSentence = reportFailure ? `${sentence} ${reportFailure}` : sentence;
  const columns = output?.columns ?? false;
  await lease.commit((tx) =>
    tx.stepRun.update({
      where: { id: stepRunId },
      data: {
        status: finalStatus,
        statusReason: finalSentence,
        endedAt: finalStatus === "cancelled" ? null : new Date(),
        config: JSON.stringify({ ...config, columns, ...(output ? { outputBytes: output.bytes, outputRows: output.rows } : {}) }),
      },
    }),
  );
  registerOutput(ctx, target, config, columns);
  events.publish({ type: "step_status", runId: run.id, step: step.name, status: finalStatus, reason: finalSentence });
  return { status: finalStatus, sentence: finalSentence };
}

/** The sentence a step ends with: its outcome in words that match it, why (when it did not complete) and its counters. */
export function stepSentence(status: StepOutcome["status"], outcome: StepOutcome, failure: string | undefined, seconds: number): string {
  const c = outcome.counters;
  const summary = counterSummary(c, seconds);
  const reason = outcome.status === "completed" ? "" : outcome.reason;
  if (status === "completed") {
    if (c.failedItems > 0 && c.succeededItems === 0) return `Completed, but every item failed: ${summary}.`;
    if (c.failedItems > 0) return `Completed with failed items: ${summary}.`;
    return `Completed: ${summary}.`;
  }
  if (status === "cancelled") return `Cancelled: ${summary}. ${reason}`;
  return `${failure ?? reason} ${summary}.`;
}

/** "923 of 10000 items succeeded and 0 failed; 10 of 100 mini-batches done (…) in 24.0 s": done is counted, not planned. */
export function counterSummary(c: StepCounters, seconds: number): string {
  const done = c.succeededMiniBatches + c.failedMiniBatches;
  const miniBatches =
    done === c.totalMiniBatches ? `in ${plural(c.totalMiniBatches, "mini-batch", "mini-batches")}` : `; ${done} of ${c.totalMiniBatches} mini-batches done`;
  const sep = done === c.totalMiniBatches ? " " : "";
  return `${c.succeededItems} of ${plural(c.totalItems, "item", "items")} succeeded and ${c.failedItems} failed${sep}${miniBatches} (${c.failedMiniBatches} failed, ${plural(c.retries, "retry", "retries")}) in ${seconds.toFixed(1)} s`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
