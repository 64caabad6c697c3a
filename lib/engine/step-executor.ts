import type { ResolvedRunConfig } from "../contracts/parallel-run-config";
import type { ProcessRef, StepCounters, WorkerProcess } from "../contracts/run-events";
import { emptyCounters } from "../contracts/run-events";
import type { MiniBatchStatus } from "../contracts/statuses";
import type { Assignment, ProcessEvent, WorkSource } from "./agent";
import type { ItemsSpec, MiniBatchResult } from "./protocol";
import { exceededThreshold } from "./thresholds";

export interface MiniBatchState {
  id: string;
  idx: number;
  items: ItemsSpec;
  itemCount: number;
  attempts: number;
  status: MiniBatchStatus;
  succeeded: number;
  failed: number;
  lastError?: string;
}

export interface AttemptRecord {
  miniBatch: MiniBatchState;
  result: MiniBatchResult;
  where: ProcessRef;
  /** Whether another try follows (false for success and for the last try). */
  willRetry: boolean;
  finishedAt: Date;
}

/** Receives what happens during a step: the orchestrator persists it and publishes progress. */
export interface StepSink {
  attempt(record: AttemptRecord): void;
  processEvent(event: ProcessEvent): void;
}

export interface Agent {
  start(): void;
  wake(): void;
  readonly liveProcesses: number;
  /** Its processes for the run page, when it does not run them here (an agent pool). */
  workers?(): WorkerProcess[];
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export type StepOutcome = { status: "completed"; counters: StepCounters } | { status: "failed" | "cancelled"; reason: string; counters: StepCounters };

/**
 * Hands a step's mini-batches to node agents and applies ParallelRunConfig's rules: run_max_try
 * retries, error_threshold on failed items, allowed_failed_count/percent on failed mini-batches.
 * Mini-batches already finished (resume) are counted but not run again.
 */
export class StepExecutor implements WorkSource {
  /** Mini-batches in input order, handed out first come first served; retries go first. */
  private readonly queue: number[] = [];
  private queueHead = 0;
  private readonly retries: number[] = [];
  private readonly byIdx = new Map<number, MiniBatchState>();
  private readonly counters: StepCounters;
  private agents: Agent[] = [];
  private settle?: (outcome: StepOutcome) => void;
  private finished = false;
  private planning: boolean;
  private lastInitError = "";

  /**
   * `planning` is true when mini-batches are still being planned: they arrive through add() and
   * run while the rest of the input is listed; the step cannot end before planningDone().
   */
  constructor(
    private readonly config: ResolvedRunConfig,
    miniBatches: MiniBatchState[],
    private readonly sink: StepSink,
    options: { planning?: boolean } = {},
  ) {
    this.planning = options.planning ?? false;
    this.counters = emptyCounters();
    this.register(miniBatches);
  }

  /** More planned mini-batches (in increasing index order). */
  add(miniBatches: MiniBatchState[]): void {
    this.register(miniBatches);
    if (!this.finished) this.wakeAgents();
  }

  planningDone(): void {
    this.planning = false;
    this.checkEnd();
  }

  private register(miniBatches: MiniBatchState[]): void {
    for (const mb of miniBatches) {
      this.byIdx.set(mb.idx, mb);
      this.counters.totalMiniBatches++;
      this.counters.totalItems += mb.itemCount;
      if (mb.status === "succeeded") {
        this.counters.scheduledMiniBatches++;
        this.counters.succeededMiniBatches++;
        this.counters.succeededItems += mb.succeeded;
        this.counters.failedItems += mb.failed;
      } else if (mb.status === "failed") {
        this.counters.scheduledMiniBatches++;
        this.counters.failedMiniBatches++;
        this.counters.failedItems += mb.itemCount;
      } else {
        mb.status = "pending";
        if (mb.attempts > 0) this.counters.scheduledMiniBatches++;
        this.queue.push(mb.idx);
      }
    }
  }

  private nextIndex(): number | undefined {
    const retry = this.retries.pop();
    if (retry !== undefined) return retry;
    if (this.queueHead < this.queue.length) return this.queue[this.queueHead++];
    return undefined;
  }

  snapshot(): StepCounters {
    return { ...this.counters };
  }

  run(makeAgents: (source: WorkSource) => Agent[]): Promise<StepOutcome> {
    return new Promise<StepOutcome>((resolve) => {
      this.settle = resolve;
      const early = this.checkEnd();
      if (early) return;
      this.agents = makeAgents(this);
      for (const agent of this.agents) agent.start();
    });
  }

  /** Stops the step from outside (cancel). */
  cancel(reason: string): void {
    void this.end({ status: "cancelled", reason, counters: this.counters }, true);
  }

  take(): Assignment | undefined {
    if (this.finished) return undefined;
    const idx = this.nextIndex();
    if (idx === undefined) return undefined;
    const mb = this.byIdx.get(idx)!;
    if (mb.attempts === 0) this.counters.scheduledMiniBatches++;
    mb.attempts++;
    mb.status = "running";
    this.counters.runningMiniBatches++;
    return { idx, attempt: mb.attempts, items: mb.items };
  }

  giveBack(assignment: Assignment): void {
    const mb = this.byIdx.get(assignment.idx);
    if (mb?.status !== "running" || mb.attempts !== assignment.attempt) return;
    // Never started: the try does not count.
    mb.attempts--;
    mb.status = "pending";
    this.counters.runningMiniBatches--;
    this.retries.push(mb.idx);
    if (mb.attempts === 0) this.counters.scheduledMiniBatches--;
    if (!this.finished) this.wakeAgents();
  }

  complete(result: MiniBatchResult, where: ProcessRef): void {
    const mb = this.byIdx.get(result.idx);
    if (mb?.status !== "running" || mb.attempts !== result.attempt) return;
    this.counters.runningMiniBatches--;
    const finishedAt = new Date();
    if (result.itemCount > 0) mb.itemCount = result.itemCount;
    if (result.status === "STORAGE_ERROR") return this.storageFailure(mb, result, where, finishedAt);
    if (result.status === "RUN_DONE") {
      mb.status = "succeeded";
      mb.succeeded = result.succeeded;
      mb.failed = result.failed;
      this.counters.succeededMiniBatches++;
      this.counters.succeededItems += result.succeeded;
      this.counters.failedItems += result.failed;
      this.sink.attempt({ miniBatch: mb, result, where, willRetry: false, finishedAt });
      // Its file names are not needed again (a million of them would stay in the orchestrator's memory).
      if (mb.items.kind === "files") mb.items = { ...mb.items, names: [] };
    } else {
      mb.lastError = result.error;
      const willRetry = mb.attempts < this.config.runMaxTry && !this.finished;
      if (willRetry) {
        mb.status = "pending";
        this.counters.retries++;
        this.retries.push(mb.idx);
      } else {
        mb.status = "failed";
        mb.failed = mb.itemCount;
        this.counters.failedMiniBatches++;
        this.counters.failedItems += mb.itemCount;
      }
      this.sink.attempt({ miniBatch: mb, result: { ...result, itemCount: mb.itemCount, failed: mb.itemCount }, where, willRetry, finishedAt });
      if (willRetry) this.wakeAgents();
    }
    this.checkEnd();
  }

  /**
   * The output or log could not be written (full disk, read-only folder): no retry helps, so the
   * step stops with that sentence; the mini-batch stays unfinished for resume.
   */
  private storageFailure(mb: MiniBatchState, result: MiniBatchResult, where: ProcessRef, finishedAt: Date): void {
    mb.status = "pending";
    mb.lastError = result.error;
    // Not the script's fault: the try does not count against run_max_try.
    mb.attempts = Math.max(0, mb.attempts - 1);
    this.sink.attempt({ miniBatch: mb, result: { ...result, succeeded: 0, failed: 0 }, where, willRetry: false, finishedAt });
    this.fail(`The step stopped because an output could not be written: ${result.error}; free space (or make the folder writable) and resume the run.`);
  }

  /** Stops the step as failed from outside (an output or report that cannot be written). */
  fail(reason: string): void {
    void this.end({ status: "failed", reason, counters: this.counters }, true);
  }

  processEvent(event: ProcessEvent): void {
    this.sink.processEvent(event);
    if (event.type === "process_init_failed") {
      this.lastInitError = event.error;
      if (event.retired && this.agents.every((a) => a.liveProcesses === 0)) {
        void this.end({ status: "failed", reason: `init() failed in every worker process: ${this.lastInitError}`, counters: this.counters }, true);
      }
    }
  }

  private wakeAgents(): void {
    for (const agent of this.agents) agent.wake();
  }

  private checkEnd(): boolean {
    if (this.finished) return true;
    const exceeded = exceededThreshold(this.config, {
      totalMiniBatches: this.counters.totalMiniBatches,
      // The percent check starts once every mini-batch is planned and scheduled.
      scheduledMiniBatches: this.planning ? -1 : this.counters.scheduledMiniBatches,
      failedMiniBatches: this.counters.failedMiniBatches,
      failedItems: this.counters.failedItems,
    });
    if (exceeded) {
      void this.end({ status: "failed", reason: `The job was aborted: ${exceeded}.`, counters: this.counters }, true);
      return true;
    }
    const done = this.counters.succeededMiniBatches + this.counters.failedMiniBatches;
    if (!this.planning && done === this.counters.totalMiniBatches) {
      void this.end({ status: "completed", counters: this.counters }, false);
      return true;
    }
    return false;
  }

  private async end(outcome: StepOutcome, abort: boolean): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await Promise.all(this.agents.map((a) => (abort ? a.kill() : a.stop())));
    for (const mb of this.byIdx.values()) {
      if (mb.status === "running") {
        mb.status = "pending";
        this.counters.runningMiniBatches--;
      }
    }
    this.settle?.({ ...outcome, counters: { ...this.counters } } as StepOutcome);
  }
}
