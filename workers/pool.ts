import { availableParallelism, hostname } from "node:os";
import type { Db } from "../lib/db/client";
import { DbEventSink } from "../lib/engine/db-events";
import { databaseErrorLine } from "../lib/engine/lease";
import { executeRun, newWorkerId } from "../lib/engine/orchestrator";
import { errorMessage } from "../lib/errors";
import type { AppContext } from "../lib/server/context";
import { claimNextRun, STALE_AFTER_MS } from "../lib/engine/claim";
import { HEARTBEAT_MS } from "../lib/engine/pool-heartbeat";
import { startRuntimeWarmPool, type WarmPool } from "../lib/engine/warm-pool";
import { grantFolders } from "../lib/engine/worker-user";
import { join } from "node:path";
import { watchWakeUps } from "../lib/engine/wake";

export interface WorkerPoolOptions {
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Runs executed at once (PRS_MAX_CONCURRENT_RUNS); one stuck run never holds up the others. */
  maxConcurrentRuns?: number;
  /** How long a run's lease lasts without a heartbeat (PRS_LEASE_MS). */
  leaseMs?: number;
  /** Wait between polls when there is nothing to claim (a submit on this data folder wakes the pool at once: lib/engine/wake.ts). */
  pollMs?: number;
  /** Worker processes kept booted before any submit (PRS_WARM_PROCESSES); 0: every step forks its own. */
  warmProcesses?: number;
  /** A warm process that served a step is shut down after this long idle (PRS_WARM_IDLE_SECONDS). */
  warmIdleMs?: number;
}

/** The pool's warm worker processes (warm-pool.ts), started with the default profile; undefined when disabled. */
function startWarmPool(ctx: AppContext, options: WorkerPoolOptions): WarmPool | undefined {
  const size = options.warmProcesses ?? ctx.env.warmProcesses;
  if (size <= 0) return undefined;
  const home = join(ctx.env.dataDir, "warm-home");
  grantFolders(ctx.workerUser, [home]);
  return startRuntimeWarmPool({ size, idleMs: options.warmIdleMs ?? ctx.env.warmIdleSeconds * 1000, home, user: ctx.workerUser });
}

/** Longest wait before retrying a claim after errors. */
const MAX_CLAIM_BACKOFF_MS = 30_000;

/**
 * The worker pool: claims queued runs (and runs whose orchestrator stopped renewing its lease)
 * and executes up to `maxConcurrentRuns` of them at once, each step's processes spread over
 * node_count local agents. Errors while claiming are logged and retried with backoff: the pool
 * itself never stops on them.
 */
export async function runWorkerPool(ctx: AppContext, options: WorkerPoolOptions = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const limit = Math.max(1, options.maxConcurrentRuns ?? ctx.env.maxConcurrentRuns ?? availableParallelism());
  const leaseMs = options.leaseMs ?? ctx.env.leaseMs ?? STALE_AFTER_MS;
  const pollMs = options.pollMs ?? 500;
  const workerId = newWorkerId();
  const stopBeating = await beatWhileAlive(ctx.db, workerId, log);
  const warmPool = startWarmPool(ctx, options);
  // Run events go through the database to the web server's live pages (SSE).
  const events = new DbEventSink(ctx.db, { onError: (error) => log(`run events not stored: ${errorMessage(error)}`) });
  const running = new Map<string, Promise<void>>();
  // With REDIS_URL, steps whose compute_target is an agent pool are dispatched through BullMQ; the
  // cluster code (BullMQ, ioredis) is loaded only then.
  const cluster = ctx.env.cluster ? (await import("../lib/server/cluster")).clusterDeps(ctx.env.cluster, `prs-orchestrator-${workerId}`) : undefined;
  const wake = watchWakeUps(ctx.env.dataDir, (error) => log(`worker pool: wake-ups not watched, polling every ${pollMs} ms: ${errorMessage(error)}`));
  const execute = async (runId: string, epoch: number) => {
    log(`run ${runId}: started`);
    try {
      const result = await executeRun(
        {
          db: ctx.db,
          provider: ctx.provider,
          access: ctx.access,
          workerUser: ctx.workerUser,
          warmPool,
          cluster,
          workerId,
          events,
          leaseMs,
          log,
          environmentCacheBytes: ctx.env.environmentCacheBytes,
        },
        runId,
        { epoch },
      );
      // A lost lease was logged by the orchestrator itself.
      if (result.status !== "lost") log(`run ${runId}: ${result.status}: ${result.reason}`);
    } catch (error) {
      log(`run ${runId}: ${errorMessage(error)}`);
    } finally {
      running.delete(runId);
      await events.flush().catch((error: unknown) => log(`run events not stored: ${errorMessage(error)}`));
    }
  };
  log(
    `worker pool ${workerId} polling for runs (up to ${limit} at once) every ${pollMs} ms, ${wake.watching ? "and woken by each submit on this data folder" : "not woken by submits (no file watch)"}`,
  );
  let failures = 0;
  try {
    while (!options.signal?.aborted) {
      if (running.size >= limit) {
        await Promise.race([...running.values(), sleep(pollMs)]);
        continue;
      }
      let claim: Awaited<ReturnType<typeof claimNextRun>>;
      try {
        claim = await claimNextRun(ctx.db, workerId, leaseMs);
        failures = 0;
      } catch (error) {
        failures++;
        const wait = Math.min(pollMs * 2 ** failures, MAX_CLAIM_BACKOFF_MS);
        log(`worker pool: claiming a run failed (try ${failures}), retrying in ${(wait / 1000).toFixed(1)} s: ${databaseErrorLine(error)}`);
        await sleep(wait);
        continue;
      }
      if (!claim) {
        await wake.wait(pollMs, options.signal);
        continue;
      }
      running.set(claim.runId, execute(claim.runId, claim.epoch));
    }
    await Promise.all(running.values());
  } finally {
    wake.close();
    await warmPool?.close();
    await stopBeating();
  }
}

/** The pool's own heartbeat (poolIsAlive); a failed beat is logged, the next one retries. */
async function beatWhileAlive(db: Db, workerId: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const beat = () =>
    db.workerHeartbeat.upsert({
      where: { id: workerId },
      create: { id: workerId, host: hostname(), pid: process.pid, seenAt: new Date() },
      update: { seenAt: new Date() },
    });
  const safeBeat = () =>
    beat().then(
      () => undefined,
      (error: unknown) => log(`worker pool heartbeat not written: ${databaseErrorLine(error)}`),
    );
  await safeBeat();
  const timer = setInterval(() => void safeBeat(), HEARTBEAT_MS);
  return async () => {
    clearInterval(timer);
    await db.workerHeartbeat.delete({ where: { id: workerId } }).then(
      () => undefined,
      (error: unknown) => log(`worker pool heartbeat not removed (it expires by itself): ${errorMessage(error)}`),
    );
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
