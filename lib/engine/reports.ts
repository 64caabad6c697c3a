import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvField } from "./rows";
import type { AttemptRecord, StepCounters } from "./step-executor";

/**
 * The log layout Azure users know, under <step>/logs/:
 *   job_result.txt, job_error.txt, job_progress_overview.<date>.txt,
 *   sys/job_report/processed_mini-batches.csv (one row per attempt),
 *   user/entry_script_log/<node>/<process>.log.txt, user/stdout|stderr/<node>/<process>.*.txt.
 */
export class StepReports {
  private attemptsBuffer = "";
  private readonly errors = new Map<string, { count: number; example: string; stack?: string }>();
  private readonly attemptsFile: string;
  private readonly progressFile: string;

  constructor(readonly logDir: string) {
    mkdirSync(join(logDir, "sys", "job_report"), { recursive: true });
    this.attemptsFile = join(logDir, "sys", "job_report", "processed_mini-batches.csv");
    this.progressFile = join(logDir, `job_progress_overview.${new Date().toISOString().slice(0, 10)}.txt`);
    appendIfNew(
      this.attemptsFile,
      "mini_batch_id,attempt,picked_count,node,process,pid,start_time,end_time,succeeded,failed,elapsed_seconds,run_method_seconds,status,error_message\n",
    );
  }

  attempt(record: AttemptRecord): void {
    const { result, where, finishedAt } = record;
    const start = new Date(finishedAt.getTime() - result.totalSeconds * 1000);
    this.attemptsBuffer +=
      [
        result.idx,
        result.attempt,
        result.itemCount,
        where.nodeId,
        where.processId,
        where.pid ?? "",
        start.toISOString(),
        finishedAt.toISOString(),
        result.succeeded,
        result.failed,
        result.totalSeconds.toFixed(6),
        result.runSeconds.toFixed(6),
        result.status,
        csvField(result.error ?? ""),
      ].join(",") + "\n";
    if (result.error) {
      const key = `${result.status}: ${result.error}`;
      const seen = this.errors.get(key);
      if (seen) seen.count++;
      else this.errors.set(key, { count: 1, example: `mini-batch ${result.idx} attempt ${result.attempt} on node ${where.nodeId} process ${where.processId}`, stack: result.stack });
    }
    for (const e of result.itemErrors) {
      const key = `ITEM_FAILED: ${e.reason.replace(/\d+/g, "N")}`;
      const seen = this.errors.get(key);
      if (seen) seen.count++;
      else this.errors.set(key, { count: 1, example: `${e.item}: ${e.reason}` });
    }
    if (this.attemptsBuffer.length > 256 * 1024) this.flush();
  }

  progress(counters: StepCounters, itemsPerSecond: number): void {
    const c = counters;
    appendFileSync(
      this.progressFile,
      `${new Date().toISOString()} mini-batches: ${c.scheduledMiniBatches}/${c.totalMiniBatches} scheduled, ${c.succeededMiniBatches} succeeded, ${c.failedMiniBatches} failed, ${c.retries} retried; items: ${c.succeededItems}/${c.totalItems} succeeded, ${c.failedItems} failed; ${itemsPerSecond.toFixed(1)} items/s\n`,
    );
  }

  flush(): void {
    if (!this.attemptsBuffer) return;
    appendFileSync(this.attemptsFile, this.attemptsBuffer);
    this.attemptsBuffer = "";
  }

  /** Writes job_result.txt (one sentence) and job_error.txt (script errors grouped, with counts). */
  finish(sentence: string, extraErrors = ""): void {
    this.flush();
    writeFileSync(join(this.logDir, "job_result.txt"), `${sentence}\n`);
    let text = extraErrors;
    for (const [key, e] of [...this.errors.entries()].sort((a, b) => b[1].count - a[1].count)) {
      text += `${e.count} x ${key}\n    first seen: ${e.example}\n${e.stack ? `    ${e.stack.split("\n").slice(0, 8).join("\n    ")}\n` : ""}\n`;
    }
    writeFileSync(join(this.logDir, "job_error.txt"), text || "No errors.\n");
  }
}

function appendIfNew(file: string, header: string): void {
  try {
    writeFileSync(file, header, { flag: "wx" });
  } catch {
    /* exists: a resumed step appends to the same report */
  }
}
