import type { Redis } from "ioredis";
import type { ClusterKeys } from "./keys";

/** A seat not refreshed for this long is free again (its agent died without leaving). */
export const SEAT_STALE_MS = 10_000;

// KEYS[1] seats; ARGV: agent id, node_count, stale ms. Times come from Redis (one clock for all agents).
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], 7 * 24 * 3600 * 1000)
  return 1
end
return 0`;

// KEYS[1] seats; ARGV: agent id. Refreshes a seat the agent holds (never takes a new one).
const REFRESH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  return 1
end
return 0`;

/**
 * node_count as seats: a step's mini-batches run on at most node_count agents of its pool. An
 * agent takes a seat with the step's first job it gets (when one is free), keeps it by its
 * heartbeat while it runs the step, and gives it up when its processes of the step stop; an agent
 * without a seat hands the job back to the queue for the seated ones.
 */
export class StepSeats {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
  ) {}

  async claim(stepKey: string, agentId: string, nodeCount: number | undefined): Promise<boolean> {
    if (nodeCount === undefined) return true;
    return (await this.redis.eval(CLAIM, 1, this.keys.stepSeats(stepKey), agentId, nodeCount, SEAT_STALE_MS)) === 1;
  }

  async refresh(stepKey: string, agentId: string): Promise<void> {
    await this.redis.eval(REFRESH, 1, this.keys.stepSeats(stepKey), agentId);
  }

  async release(stepKey: string, agentId: string): Promise<void> {
    await this.redis.zrem(this.keys.stepSeats(stepKey), agentId);
  }

  /** Agents holding a seat of the step now. */
  async holders(stepKey: string): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.stepSeats(stepKey), "-inf", "+inf");
  }
}
