import type { Db } from "../db/client";
import { DEFAULT_LEASE_MS } from "./lease";

/** A running run whose orchestrator has not written for this long is taken over (PRS_LEASE_MS). */
export const STALE_AFTER_MS = DEFAULT_LEASE_MS;

/** Whether a run's holder has not renewed its lease for `leaseMs` (PRS_LEASE_MS): another may take it. */
export function leaseExpired(heartbeatAt: Date | null, leaseMs = STALE_AFTER_MS): boolean {
  return !heartbeatAt || Date.now() - heartbeatAt.getTime() > leaseMs;
}

/** A claimed run and the lease epoch its writes must name (see RunLease). */
export interface RunClaim {
  runId: string;
  epoch: number;
}

/**
 * Claims the next run to execute: a queued one, or a running one whose orchestrator has not
 * renewed its lease for `leaseMs`. The compare-and-set on the lease epoch makes the claim safe
 * when several worker pools poll one database, and fences off the previous holder.
 */
export async function claimNextRun(db: Db, workerId: string, leaseMs = STALE_AFTER_MS): Promise<RunClaim | undefined> {
  const staleBefore = new Date(Date.now() - leaseMs);
  const candidates = await db.pipelineRun.findMany({
    where: { OR: [{ status: "queued" }, { status: { in: ["running", "cancelling"] }, heartbeatAt: { lt: staleBefore } }] },
    orderBy: { createdAt: "asc" },
    take: 5,
    select: { id: true, status: true, heartbeatAt: true, leaseEpoch: true },
  });
  for (const c of candidates) {
    const epoch = c.leaseEpoch + 1;
    const claimed = await db.pipelineRun.updateMany({
      where: { id: c.id, status: c.status, heartbeatAt: c.heartbeatAt, leaseEpoch: c.leaseEpoch },
      data: { claimedBy: workerId, heartbeatAt: new Date(), leaseEpoch: epoch, status: c.status === "queued" ? "running" : c.status },
    });
    if (claimed.count === 1) return { runId: c.id, epoch };
  }
  return undefined;
}
