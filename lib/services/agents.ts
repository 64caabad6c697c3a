import type { AgentInfo } from "../contracts/agents";
import type { ClusterDeps } from "../cluster/dispatch";
import { type AgentCommand, AgentRegistry } from "../cluster/registry";
import { AppError } from "../errors";

/** Agents of every pool (none when the studio runs without REDIS_URL). */
export async function listAgents(cluster: ClusterDeps | undefined): Promise<{ enabled: boolean; agents: AgentInfo[] }> {
  if (!cluster) return { enabled: false, agents: [] };
  return { enabled: true, agents: await new AgentRegistry(cluster.redis, cluster.keys).list() };
}

/** Drain or stop an agent: it reads the command with its next heartbeat. */
export async function commandAgent<C extends AgentCommand>(cluster: ClusterDeps | undefined, id: string, command: C): Promise<{ id: string; command: C }> {
  if (!cluster) throw new AppError("not_found", "This studio runs without REDIS_URL: it has no agents");
  const sent = await new AgentRegistry(cluster.redis, cluster.keys).command(id, command);
  if (!sent) throw new AppError("not_found", `Agent ${id} is not connected (it stopped, or its heartbeat expired)`);
  return { id, command };
}
