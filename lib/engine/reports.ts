import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { appendFully, ensureFolder, storageError, type StorageError, writeTextDurably } from "../fs/durable-write";
import type { ProcessRef } from "../contracts/run-events";
import { csvField } from "../datasets/tabular/csv-fields";
import type { StepCounters } from "../contracts/run-events";
import type { AttemptRecord } from "./step-executor";

const ATTEMPTS_HEADER =
  "mini_batch_id,attempt,picked_count,node,process,pid,start_time,end_time,succeeded,failed,elapsed_seconds,run_method_seconds,status,error_message\n";

/** A mini-batch that finished in an earlier session of the step (from the database or its segment record). */
export interface FinishedMiniBatch {
  idx: number;
  attempt: number;
  itemCount: number;
  succeeded: number;
  failed: number;
  totalSeconds: number;
  endedAt: Date;
  where?: ProcessRef;
}

/**
 * The log layout Azure users know, under <step>/logs/:
 *   job_result.txt, job_error.txt, job_progress_overview.<date>.txt,
 *   sys/job_report/processed_mini-batches.csv (one row per attempt),
 *   user/entry_script_log/<node>/<process>.log.txt, user/stdout|stderr/<node>/<process>.*.txt.
 * Each attempt's row is appended as the attempt finishes (one write call, microseconds against a
 * mini-batch's milliseconds), so a killed orchestrator loses none; rows of mini-batches whose
 * result never reached it are added on resume by recordFinished().
 */
export class StepReports {
  private readonly errors = new Map<string, { count: number; example: string; stack?: string }>();
  private readonly attemptsFile: string;
  private readonly progressFile: string;
  private attemptsFd?: number;
  /** The first report write that failed (full disk...): the step fails with it. */
  failure?: StorageError;
  /** Told of the first failed write of the attempt or progress report. */
  onFailure?: (error: StorageError) => void;

  constructor(readonly logDir: string) {
    const reportDir = join(logDir, "sys", "job_report");
    ensureFolder(reportDir, reportDir, "log folder");
    this.attemptsFile = join(reportDir, "processed_mini-batches.csv");
    this.progressFile = join(logDir, `job_progress_overview.${new Date().toISOString().slice(0, 10)}.txt`);
  }

  /** The attempts file, opened for appending; a header on a new file, a torn last line cut off. */
  private attemptsHandle(): number {
    if (this.attemptsFd !== undefined) return this.attemptsFd;
    try {
      const fd = openSync(this.attemptsFile, "a+");
      this.attemptsFd = fd;
      const size = fstatSync(fd).size;
      if (size === 0) appendFully(fd, ATTEMPTS_HEADER, this.attemptsFile);
      else {
        const end = completeLinesEnd(fd, size);
        if (end < size) ftruncateSync(fd, end);
      }
      return fd;
    } catch (error) {
      throw storageError(error, this.attemptsFile);
    }
  }

  private appendRows(text: string): void {
    if (this.failure) return;
    try {
      appendFully(this.attemptsHandle(), text, this.attemptsFile);
    } catch (error) {
      this.failed(storageError(error, this.attemptsFile));
    }
  }

  private failed(error: StorageError): void {
    if (this.failure) return;
    this.failure = error;
    this.onFailure?.(error);
  }

  attempt(record: AttemptRecord): void {
    const { result, where, finishedAt } = record;
    this.appendRows(attemptRow({ ...result, endedAt: finishedAt, where }, result.runSeconds, result.status, result.error ?? ""));
    if (result.error) {
      const key = `${result.status}: ${result.error}`;
      const seen = this.errors.get(key);
      if (seen) seen.count++;
      else
        this.errors.set(key, {
          count: 1,
          example: `mini-batch ${result.idx} attempt ${result.attempt} on node ${where.nodeId} process ${where.processId}`,
          stack: result.stack,
        });
    }
    for (const e of result.itemErrors) {
      const key = `ITEM_FAILED: ${e.reason.replace(/\d+/g, "N")}`;
      const seen = this.errors.get(key);
      if (seen) seen.count++;
      else this.errors.set(key, { count: 1, example: `${e.item}: ${e.reason}` });
    }
  }

  /**
   * On resume: adds a RUN_DONE row for each mini-batch that finished earlier but has none (its
   * result reached no report before a crash, or the report could not be written then).
   */
  recordFinished(finished: FinishedMiniBatch[]): void {
    if (finished.length === 0) return;
    const done = doneIndexes(this.attemptsHandle());
    const missing = finished.filter((f) => !done.has(f.idx));
    if (missing.length === 0) return;
    this.appendRows(missing.map((f) => attemptRow(f, 0, "RUN_DONE", "")).join(""));
    if (this.failure) throw this.failure;
  }

  progress(counters: StepCounters, itemsPerSecond: number): void {
    const c = counters;
    const line = `${new Date().toISOString()} mini-batches: ${c.scheduledMiniBatches}/${c.totalMiniBatches} scheduled, ${c.succeededMiniBatches} succeeded, ${c.failedMiniBatches} failed, ${c.retries} retried; items: ${c.succeededItems}/${c.totalItems} succeeded, ${c.failedItems} failed; ${itemsPerSecond.toFixed(1)} items/s\n`;
    let fd: number | undefined;
    try {
      fd = openSync(this.progressFile, "a");
      appendFully(fd, line, this.progressFile);
    } catch (error) {
      this.failed(storageError(error, this.progressFile));
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /**
   * Writes job_result.txt (one sentence) and job_error.txt (script errors grouped, with counts),
   * each whole or not at all; throws a StorageError when they (or the attempt rows) cannot be.
   */
  finish(sentence: string, extraErrors = ""): void {
    try {
      const fd = this.attemptsHandle();
      fsyncSync(fd);
      closeSync(fd);
      this.attemptsFd = undefined;
    } catch (error) {
      this.failed(storageError(error, this.attemptsFile));
    }
    writeTextDurably(join(this.logDir, "job_result.txt"), `${sentence}\n`);
    let text = extraErrors;
    for (const [key, e] of [...this.errors.entries()].sort((a, b) => b[1].count - a[1].count)) {
      text += `${e.count} x ${key}\n    first seen: ${e.example}\n${e.stack ? `    ${e.stack.split("\n").slice(0, 8).join("\n    ")}\n` : ""}\n`;
    }
    writeTextDurably(join(this.logDir, "job_error.txt"), text || "No errors.\n");
    if (this.failure) throw this.failure;
  }

  /** finish(), returning why it could not be done (a sentence) instead of throwing. */
  finishOrExplain(sentence: string): string | undefined {
    try {
      this.finish(sentence);
      return undefined;
    } catch (error) {
      return `The step's reports could not be written: ${error instanceof Error ? error.message : String(error)}; free space and resume the run.`;
    }
  }
}

function attemptRow(
  r: { idx: number; attempt: number; itemCount: number; succeeded: number; failed: number; totalSeconds: number; endedAt: Date; where?: ProcessRef },
  runSeconds: number,
  status: string,
  error: string,
): string {
  const start = new Date(r.endedAt.getTime() - r.totalSeconds * 1000);
  const fields = [
    r.idx,
    r.attempt,
    r.itemCount,
    r.where?.nodeId ?? "",
    r.where?.processId ?? "",
    r.where?.pid ?? "",
    start.toISOString(),
    r.endedAt.toISOString(),
    r.succeeded,
    r.failed,
    r.totalSeconds.toFixed(6),
    runSeconds.toFixed(6),
    status,
    csvField(error),
  ];
  return `${fields.join(",")}\n`;
}

/** Calls `line` for each complete line of the attempts file, read in chunks. */
function eachLine(fd: number, size: number, line: (text: string) => void): void {
  const chunk = Buffer.alloc(1 << 20);
  const decoder = new StringDecoder("utf8");
  let carry = "";
  for (let pos = 0; pos < size; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - pos), pos);
    if (n === 0) break;
    pos += n;
    const lines = (carry + decoder.write(chunk.subarray(0, n))).split("\n");
    carry = lines.pop()!;
    for (const l of lines) line(l);
  }
}

/** Where the file's last complete line ends: a write cut short by a full disk leaves a torn line. */
function completeLinesEnd(fd: number, size: number): number {
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const nl = chunk.subarray(0, n).lastIndexOf(10);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return 0;
}

/** Mini-batches with a RUN_DONE row (fields before the error message hold no commas). */
function doneIndexes(fd: number): Set<number> {
  const done = new Set<number>();
  eachLine(fd, fstatSync(fd).size, (l) => {
    const fields = l.split(",", 13);
    if (fields[12] === "RUN_DONE") done.add(Number(fields[0]));
  });
  return done;
}
