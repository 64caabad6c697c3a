import { hostname } from "node:os";
import { DbEventSink } from "../lib/engine/db-events";
import { executeRun, newWorkerId } from "../lib/engine/orchestrator";
import { errorMessage } from "../lib/errors";
import type { AppContext } from "../lib/server/context";
import { claimNextRun } from "../lib/services/runs";
import { HEARTBEAT_MS } from "../lib/services/workers";


/**
 * The worker pool: claims queued runs (and runs whose orchestrator died) and executes them, one
 * at a time, each step's processes spread over node_count local agents.
 */
export async function runWorkerPool(ctx: AppContext, options: { log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const workerId = newWorkerId();
  const beat = () =>
    ctx.db.workerHeartbeat.upsert({
      where: { id: workerId },
      create: { id: workerId, host: hostname(), pid: process.pid, seenAt: new Date() },
      update: { seenAt: new Date() },
    });
  await beat();
  const timer = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
  // Run events go through the database to the web server's live pages (SSE).
  const events = new DbEventSink(ctx.db, { onError: (error) => log(`run events not stored: ${errorMessage(error)}`) });
  log(`worker pool ${workerId} polling for runs`);
  try {
    while (!options.signal?.aborted) {
      const runId = await claimNextRun(ctx.db, workerId);
      if (!runId) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      log(`run ${runId}: started`);
      try {
        const result = await executeRun({ db: ctx.db, provider: ctx.provider, workerId, events }, runId);
        log(`run ${runId}: ${result.status}: ${result.reason}`);
      } catch (error) {
        log(`run ${runId}: ${errorMessage(error)}`);
      } finally {
        await events.flush();
      }
    }
  } finally {
    clearInterval(timer);
    await ctx.db.workerHeartbeat.delete({ where: { id: workerId } }).catch(() => undefined);
  }
}
