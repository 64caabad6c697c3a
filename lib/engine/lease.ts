import type { Db } from "../db/client";
import { errorMessage } from "../errors";

/** A transaction client, as `db.$transaction(async (tx) => ...)` hands it over. */
export type DbTx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Without a heartbeat for this long, a running run is taken over by another pool (PRS_LEASE_MS). */
export const DEFAULT_LEASE_MS = 15_000;

/**
 * A database error on one line: Prisma's messages quote the calling code over several lines
 * before the cause, which comes last.
 */
export function databaseErrorLine(error: unknown): string {
  const lines = errorMessage(error)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length > 1 && /invocation/.test(lines[0]!) ? lines[lines.length - 1]! : lines.join(" ");
}

export class LeaseLostError extends Error {
  constructor(
    readonly runId: string,
    readonly holder: string,
  ) {
    super(`lost the lease on run ${runId} to ${holder}; stopped without writing results`);
    this.name = "LeaseLostError";
  }
}

/**
 * The right to write a run's results: held by one orchestrator (claimedBy) for one claim
 * (leaseEpoch, incremented by every claim). Every write that commits results runs in a
 * transaction that first renews the heartbeat under this lease, so the writes of a holder that
 * was paused past its lease and taken over are refused: results are committed exactly once.
 */
export class RunLease {
  lost: LeaseLostError | undefined;
  /** When the last successful renewal started: the lease holds until then + leaseMs. */
  renewedAt = Date.now();

  constructor(
    private readonly db: Db,
    readonly runId: string,
    readonly workerId: string,
    readonly epoch: number,
    readonly leaseMs = DEFAULT_LEASE_MS,
  ) {}

  /**
   * Claims the run for this worker whoever held it (an explicit `prs run wait` or a restarted
   * orchestrator): the previous holder, if alive, finds its lease lost at its next write.
   */
  static async acquire(db: Db, runId: string, workerId: string, leaseMs = DEFAULT_LEASE_MS): Promise<RunLease> {
    for (;;) {
      const row = await db.pipelineRun.findUniqueOrThrow({ where: { id: runId }, select: { leaseEpoch: true } });
      const epoch = row.leaseEpoch + 1;
      const claimed = await db.pipelineRun.updateMany({
        where: { id: runId, leaseEpoch: row.leaseEpoch },
        data: { leaseEpoch: epoch, claimedBy: workerId, heartbeatAt: new Date() },
      });
      if (claimed.count === 1) return new RunLease(db, runId, workerId, epoch, leaseMs);
    }
  }

  /**
   * Runs `writes` in one transaction after renewing the heartbeat under this lease: all of them
   * commit while the lease is held, or none does and LeaseLostError is thrown.
   */
  async commit<T>(writes: (tx: DbTx) => Promise<T>): Promise<T> {
    if (this.lost) throw this.lost;
    const started = Date.now();
    try {
      const result = await this.db.$transaction(async (tx) => {
        const renewed = await tx.pipelineRun.updateMany({
          where: { id: this.runId, claimedBy: this.workerId, leaseEpoch: this.epoch },
          data: { heartbeatAt: new Date() },
        });
        if (renewed.count !== 1) throw await this.lostTo(tx);
        return writes(tx);
      });
      this.renewedAt = Math.max(this.renewedAt, started);
      return result;
    } catch (error) {
      if (error instanceof LeaseLostError) this.lost = error;
      throw error;
    }
  }

  /** Writes nothing but the heartbeat; throws LeaseLostError when the lease is gone. */
  renew(): Promise<void> {
    return this.commit(async () => undefined);
  }

  /** Declares the lease lost without asking the database (renewals failed too long). */
  giveUp(cause: string): LeaseLostError {
    this.lost ??= new LeaseLostError(this.runId, `whichever pool claims it next (${cause})`);
    return this.lost;
  }

  private async lostTo(tx: DbTx): Promise<LeaseLostError> {
    const now = await tx.pipelineRun.findUnique({ where: { id: this.runId }, select: { claimedBy: true, leaseEpoch: true, status: true } });
    if (!now) return new LeaseLostError(this.runId, "nobody: the run was deleted");
    if (!now.claimedBy) return new LeaseLostError(this.runId, `nobody: the run was released (${now.status})`);
    return new LeaseLostError(this.runId, `${now.claimedBy} (claim ${now.leaseEpoch})`);
  }
}

export interface KeeperOptions {
  intervalMs: number;
  log: (line: string) => void;
  onLost: (error: LeaseLostError) => void;
}

/**
 * Writes a step's progress (and so the run's heartbeat) every interval. A failed write is logged
 * and retried with backoff; when renewals have failed for half the lease, another pool may soon
 * take the run over, so the lease is given up before that can happen.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly lease: RunLease,
    private readonly flush: () => Promise<void>,
    private readonly options: KeeperOptions,
  ) {}

  start(): void {
    this.schedule(this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** A last flush that must land: retried with backoff until it does or the lease is lost. */
  async flushNow(): Promise<void> {
    await this.stop();
    for (;;) {
      if (await this.attempt()) return;
      if (this.lease.lost) throw this.lease.lost;
      await new Promise((r) => setTimeout(r, this.backoff()));
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.attempt().then((ok) => {
        if (!this.lease.lost) this.schedule(ok ? this.options.intervalMs : this.backoff());
      });
    }, delay);
  }

  /** One flush; true when it landed. Never throws. */
  private async attempt(): Promise<boolean> {
    if (this.lease.lost) return false;
    try {
      await this.flush();
      this.failures = 0;
      return true;
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.options.onLost(error);
        return false;
      }
      this.failures++;
      const silentFor = Date.now() - this.lease.renewedAt;
      this.options.log(
        `run ${this.lease.runId}: progress and heartbeat not written (try ${this.failures}, none for ${(silentFor / 1000).toFixed(1)} s): ${databaseErrorLine(error)}`,
      );
      if (silentFor > this.lease.leaseMs / 2) this.options.onLost(this.lease.giveUp(`no heartbeat written for ${(silentFor / 1000).toFixed(1)} s`));
      return false;
    }
  }

  private backoff(): number {
    return Math.min(this.options.intervalMs * 2 ** this.failures, Math.max(this.options.intervalMs, this.lease.leaseMs / 8));
  }
}
