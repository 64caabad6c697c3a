import { Redis } from "ioredis";

/**
 * A Redis connection for BullMQ and the cluster's own keys. BullMQ needs
 * `maxRetriesPerRequest: null` (its blocking commands wait across reconnects); commands issued
 * while Redis is away are queued and sent once it is back, so a restart or a `CLIENT PAUSE`
 * delays work instead of losing it.
 */
export function openRedis(url: string, name: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Connection errors are retried by ioredis; they surface as delays, not crashes.
  redis.on("error", () => {});
  // One connection serves every step of the process: each step's pool and BullMQ queue listen to it.
  redis.setMaxListeners(200);
  return redis;
}

export type { Redis };
