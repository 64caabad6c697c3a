import type { MiniBatchStatus } from "../../contracts/statuses";
import type { FinishedMiniBatch } from "../reports";
import { updateOf, type MiniBatchUpdate } from "../persist";
import type { ItemsSpec } from "../protocol";
import { scanSegments, type SegmentRecord } from "../segments";
import type { MiniBatchState } from "../step-executor";
import { finishedFromSegment, type OutputRecord } from "../step-output";

/** A MiniBatch row as planned (new) or as stored by an earlier session of the step. */
export interface MiniBatchRow {
  id: string;
  idx: number;
  items: string;
  itemCount: number;
  attempts?: number;
  status?: MiniBatchStatus;
  succeededItems?: number;
  failedItems?: number;
  lastError?: string | null;
  elapsedMs?: number | null;
  endedAt?: Date | null;
}

/**
 * A step's mini-batches while it runs: their states in index order, the updates not yet written,
 * and the output record of each finished one. Earlier sessions of the step are reconciled with
 * the segment files on disk, which are the proof of what was written.
 */
export class StepMiniBatches {
  readonly states: MiniBatchState[] = [];
  /** Written to the database by the next flush. */
  readonly updates: MiniBatchUpdate[] = [];
  /** The output record of each finished mini-batch, by index. */
  readonly outputs = new Map<number, OutputRecord>();
  /** Mini-batches finished in earlier sessions: the attempt report gets a row for any it lacks. */
  readonly finishedBefore: FinishedMiniBatch[] = [];
  private readonly written: Map<number, SegmentRecord>;

  constructor(segmentsDir: string) {
    // Outputs already written (earlier sessions of this step): one record per mini-batch.
    this.written = scanSegments(segmentsDir);
    for (const [idx, record] of this.written) this.outputs.set(idx, { location: record, columns: record.meta.columns, rows: record.meta.succeeded });
  }

  /** Adds a row's mini-batch, its state reconciled with its output record. */
  restore = (row: MiniBatchRow): MiniBatchState => {
    const state: MiniBatchState = {
      id: row.id,
      idx: row.idx,
      items: JSON.parse(row.items) as ItemsSpec,
      itemCount: row.itemCount,
      attempts: row.attempts ?? 0,
      status: row.status ?? "pending",
      succeeded: row.succeededItems ?? 0,
      failed: row.failedItems ?? 0,
      lastError: row.lastError ?? undefined,
    };
    const record = this.written.get(row.idx);
    if (state.status === "succeeded" && !record) {
      // Recorded as done but its output record is gone (a crash of the machine before the
      // segment reached the disk): it runs again rather than leave its rows out.
      state.status = "pending";
    } else if (state.status === "succeeded") {
      this.finishedBefore.push({
        idx: state.idx,
        attempt: state.attempts,
        itemCount: state.itemCount,
        succeeded: state.succeeded,
        failed: state.failed,
        totalSeconds: (row.elapsedMs ?? 0) / 1000,
        endedAt: row.endedAt ?? new Date(),
      });
    } else if (state.status !== "failed" && record) {
      this.adoptFinishedRecord(state, record);
    }
    this.states.push(state);
    return state;
  };

  /** Finished before a crash but not yet recorded: its complete output record is the proof. */
  private adoptFinishedRecord(state: MiniBatchState, record: SegmentRecord): void {
    const meta = record.meta;
    state.status = "succeeded";
    state.succeeded = meta.succeeded;
    state.failed = meta.failed;
    state.itemCount = meta.itemCount;
    state.attempts = Math.max(state.attempts, meta.attempt);
    const endedAt = new Date();
    this.updates.push(updateOf(state, meta.totalSeconds, endedAt));
    this.finishedBefore.push(finishedFromSegment(record, endedAt));
  }
}
