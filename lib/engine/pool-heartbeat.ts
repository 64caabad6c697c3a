import type { Db } from "../db/client";

export const HEARTBEAT_MS = 2000;

/** Whether a worker pool has said it is alive in the last few seconds. */
export async function poolIsAlive(db: Db): Promise<boolean> {
  const recent = await db.workerHeartbeat.findFirst({ where: { seenAt: { gt: new Date(Date.now() - HEARTBEAT_MS * 3) } } });
  return recent !== null;
}
