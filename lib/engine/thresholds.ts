import type { ResolvedRunConfig } from "../contracts/parallel-run-config";

export interface FailureCounts {
  totalMiniBatches: number;
  /** Mini-batches handed out at least once. */
  scheduledMiniBatches: number;
  /** Mini-batches that used up run_max_try. */
  failedMiniBatches: number;
  /** Items that failed: missing results in finished mini-batches plus items of failed mini-batches. */
  failedItems: number;
}

/**
 * ParallelRunConfig's abort rules. Returns the sentence for job_result when a threshold is
 * exceeded, else undefined.
 */
export function exceededThreshold(
  config: Pick<ResolvedRunConfig, "errorThreshold" | "allowedFailedCount" | "allowedFailedPercent">,
  counts: FailureCounts,
): string | undefined {
  if (config.errorThreshold >= 0 && counts.failedItems > config.errorThreshold) {
    return `${counts.failedItems} items failed, more than error_threshold ${config.errorThreshold}`;
  }
  if (config.allowedFailedCount !== undefined && config.allowedFailedCount >= 0 && counts.failedMiniBatches > config.allowedFailedCount) {
    return `${counts.failedMiniBatches} mini-batches failed, more than allowed_failed_count ${config.allowedFailedCount}`;
  }
  if (config.allowedFailedPercent !== undefined && counts.totalMiniBatches > 0 && counts.scheduledMiniBatches >= counts.totalMiniBatches) {
    const percent = (counts.failedMiniBatches / counts.totalMiniBatches) * 100;
    if (percent > config.allowedFailedPercent) {
      return `${percent.toFixed(1)}% of mini-batches failed, more than allowed_failed_percent ${config.allowedFailedPercent}`;
    }
  }
  return undefined;
}
