import type { Db } from "../db/client";
import { withDbRetry } from "../db/retry";
import { isTerminalRunStatus } from "../contracts/statuses";
import type { RunEvent } from "../contracts/run-events";
import type { RunEventSink } from "./events";

export interface RunEventRow {
  runId: string;
  type: string;
  payload: string;
}

/** Appends events in one statement; their autoincrement ids order them per run. */
export async function insertRunEvents(db: Db, rows: RunEventRow[]): Promise<void> {
  if (rows.length) await db.runEvent.createMany({ data: rows });
}

export interface DbEventSinkOptions {
  /** At most one insert per this many milliseconds (the first event after a quiet spell goes at once). */
  intervalMs?: number;
  /** Item errors kept per stored attempt event and per run. */
  itemErrorsPerAttempt?: number;
  itemErrorsPerRun?: number;
  /** Failed or retried tries stored per run; later ones only show in the counters and log files. */
  attemptsPerRun?: number;
  /** Process lifecycle events stored per run (a crash-looping process would otherwise flood). */
  processEventsPerRun?: number;
  onError?: (error: unknown) => void;
}

interface RunBudget {
  attempts: number;
  itemErrors: number;
  processEvents: number;
}

/**
 * The database transport of run events, so the web server (another process) can stream them.
 * Events are buffered and inserted in batches at most every `intervalMs`; successful tries are
 * not stored (the progress counters carry them), failures are, up to per-run caps, so a run of
 * thousands of mini-batches writes a few rows a second, not one per mini-batch.
 *
 * One sink writes a run's events, one batch after another: ids of one run therefore become
 * visible in increasing order, which lets readers resume after the last id they saw.
 */
export class DbEventSink implements RunEventSink {
  private buffer: RunEventRow[] = [];
  private timer?: NodeJS.Timeout;
  private lastInsert = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly budgets = new Map<string, RunBudget>();
  private readonly options: Required<Omit<DbEventSinkOptions, "onError">> & Pick<DbEventSinkOptions, "onError">;

  constructor(
    private readonly db: Db,
    options: DbEventSinkOptions = {},
  ) {
    this.options = {
      intervalMs: options.intervalMs ?? 200,
      itemErrorsPerAttempt: options.itemErrorsPerAttempt ?? 20,
      itemErrorsPerRun: options.itemErrorsPerRun ?? 1000,
      attemptsPerRun: options.attemptsPerRun ?? 2000,
      processEventsPerRun: options.processEventsPerRun ?? 500,
      onError: options.onError,
    };
  }

  publish(event: RunEvent): void {
    const stored = this.toStored(event);
    if (!stored) return;
    this.buffer.push({ runId: event.runId, type: event.type, payload: JSON.stringify({ ...stored, at: Date.now() }) });
    this.schedule();
  }

  /** Writes everything published so far. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const rows = this.buffer.splice(0);
    this.chain = this.chain.then(async () => {
      if (!rows.length) return;
      this.lastInsert = Date.now();
      try {
        // A failed insert stored nothing, so trying it again cannot duplicate events.
        await withDbRetry(() => insertRunEvents(this.db, rows), { attempts: 3 });
      } catch (error) {
        // Watchers miss these events; the run itself must not fail because of them.
        this.options.onError?.(error);
      }
    });
    return this.chain;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastInsert + this.options.intervalMs - Date.now());
    this.timer = setTimeout(() => void this.flush(), wait);
    this.timer.unref?.();
  }

  private budget(runId: string): RunBudget {
    let b = this.budgets.get(runId);
    if (!b) {
      b = { attempts: 0, itemErrors: 0, processEvents: 0 };
      this.budgets.set(runId, b);
    }
    return b;
  }

  private toStored(event: RunEvent): RunEvent | undefined {
    switch (event.type) {
      case "attempt": {
        if (event.status === "RUN_DONE" && event.failed === 0) return undefined;
        const b = this.budget(event.runId);
        if (b.attempts >= this.options.attemptsPerRun) return undefined;
        b.attempts++;
        const room = Math.max(0, Math.min(this.options.itemErrorsPerAttempt, this.options.itemErrorsPerRun - b.itemErrors));
        const itemErrors = event.itemErrors.slice(0, room);
        b.itemErrors += itemErrors.length;
        const omitted = event.itemErrors.length - itemErrors.length;
        return { ...event, itemErrors, ...(omitted > 0 ? { itemErrorsOmitted: omitted } : {}) };
      }
      case "process": {
        const b = this.budget(event.runId);
        if (b.processEvents >= this.options.processEventsPerRun) return undefined;
        b.processEvents++;
        return event;
      }
      case "run_status":
        if (isTerminalRunStatus(event.status)) this.budgets.delete(event.runId);
        return event;
      default:
        return event;
    }
  }
}
