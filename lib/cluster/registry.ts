import type { Redis } from "ioredis";
import { AgentInfo } from "../contracts/agents";
import type { ClusterKeys } from "./keys";

/** An agent heartbeats this often; one not seen for AGENT_GONE_AFTER_BEATS beats is gone. */
export const AGENT_HEARTBEAT_MS = 1000;
const AGENT_GONE_AFTER_BEATS = 5;

export type AgentCommand = "drain" | "stop";

/** The agents of every pool, as heartbeats in Redis (they expire by themselves). */
export class AgentRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly heartbeatMs = AGENT_HEARTBEAT_MS,
  ) {}

  /** A number for a new agent: its node id in the run page's process table. */
  async nextNodeId(): Promise<number> {
    return this.redis.incr(this.keys.agentSequence);
  }

  async beat(info: AgentInfo): Promise<void> {
    const ttl = Math.ceil((this.heartbeatMs * AGENT_GONE_AFTER_BEATS * 4) / 1000);
    await this.redis.multi().set(this.keys.agent(info.id), JSON.stringify(info), "EX", ttl).zadd(this.keys.agents, info.lastSeen, info.id).exec();
  }

  async remove(id: string): Promise<void> {
    await this.redis.multi().del(this.keys.agent(id), this.keys.agentCommand(id)).zrem(this.keys.agents, id).exec();
  }

  /** Agents seen recently (optionally of one pool), newest first; older entries are pruned. */
  async list(pool?: string, now = Date.now()): Promise<AgentInfo[]> {
    const oldest = now - this.heartbeatMs * AGENT_GONE_AFTER_BEATS;
    await this.redis.zremrangebyscore(this.keys.agents, "-inf", oldest - 3_600_000);
    const ids = await this.redis.zrevrangebyscore(this.keys.agents, "+inf", oldest);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keys.agent(id)));
    const agents: AgentInfo[] = [];
    for (const value of values) {
      if (!value) continue;
      const parsed = AgentInfo.safeParse(JSON.parse(value));
      if (parsed.success && (pool === undefined || parsed.data.pool === pool)) agents.push(parsed.data);
    }
    return agents;
  }

  /** Agents of a pool that take work (not draining or stopping). */
  async working(pool: string): Promise<AgentInfo[]> {
    return (await this.list(pool)).filter((a) => a.state === "idle" || a.state === "busy");
  }

  async command(id: string, command: AgentCommand): Promise<boolean> {
    const exists = await this.redis.exists(this.keys.agent(id));
    if (!exists) return false;
    await this.redis.set(this.keys.agentCommand(id), command, "EX", 3600);
    return true;
  }

  async commandFor(id: string): Promise<AgentCommand | undefined> {
    const value = await this.redis.get(this.keys.agentCommand(id));
    return value === "drain" || value === "stop" ? value : undefined;
  }
}
