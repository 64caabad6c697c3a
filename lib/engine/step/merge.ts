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
  const sentence = stepSentence(status, outcome, failure, (Date.now() - execution.started) / 1000);
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

/** The sentence a step ends with: its status, why (when it did not complete) and its counters. */
function stepSentence(status: StepOutcome["status"], outcome: StepOutcome, failure: string | undefined, seconds: number): string {
  const summary = counterSummary(outcome.counters, seconds);
  const reason = outcome.status === "completed" ? "" : outcome.reason;
  if (status === "completed") return `Completed: ${summary}.`;
  if (status === "cancelled") return `Cancelled: ${summary}. ${reason}`;
  return `${failure ?? reason} ${summary}.`;
}

function counterSummary(c: StepCounters, seconds: number): string {
  return `${c.succeededItems} of ${c.totalItems} items succeeded and ${c.failedItems} failed in ${c.totalMiniBatches} mini-batches (${c.failedMiniBatches} failed, ${c.retries} retries) in ${seconds.toFixed(1)} s`;
}
