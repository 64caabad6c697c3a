import { z } from "zod";
import { AgentInfo } from "../agents";
import { defineRoute } from "./route-def";

/** The Agents page: agents of every pool, drain and stop (spread into `routes`). */

const AgentId = z.object({ id: z.string().max(120).meta({ description: "Agent id (agt_…)" }) });

export const agentRoutes = {
  agentFile: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/agent/files/{sha256}",
    summary: "A file an agent runs a step with (entry script, model, labels, side input), by SHA-256",
    description:
      "Agents send an API token (viewer or above) or the studio's PRS_AGENT_SECRET as Authorization: Bearer. Only files of steps handed to agents are served.",
    params: z.object({ sha256: z.string().meta({ description: "SHA-256 of the file, 64 lowercase hex digits" }) }),
    raw: { contentTypes: ["application/octet-stream"], description: "The file's bytes" },
  }),
  listAgents: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/agents",
    summary: "Agents connected to this studio's Redis (multi-machine mode), newest heartbeat first",
    response: z.object({ enabled: z.boolean(), agents: z.array(AgentInfo) }),
  }),
  drainAgent: defineRoute({
    access: "admin",
    method: "POST",
    path: "/api/agents/{id}/drain",
    summary: "Asks an agent to finish the mini-batches it holds, take no more and exit",
    audit: "agent.drain",
    params: AgentId,
    response: z.object({ id: z.string(), command: z.literal("drain") }),
  }),
  stopAgent: defineRoute({
    access: "admin",
    method: "POST",
    path: "/api/agents/{id}/stop",
    summary: "Asks an agent to stop now: its running mini-batches go back to the queue",
    audit: "agent.stop",
    params: AgentId,
    response: z.object({ id: z.string(), command: z.literal("stop") }),
  }),
};
