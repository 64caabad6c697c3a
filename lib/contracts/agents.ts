import { z } from "zod";

/** An agent's heartbeat, as the Agents page shows it. */
export const AgentState = z.enum(["idle", "busy", "draining", "stopping"]);
export type AgentState = z.infer<typeof AgentState>;

export const AgentInfo = z.object({
  id: z.string(),
  nodeId: z.number().int(),
  host: z.string(),
  pid: z.number().int(),
  pool: z.string(),
  processes: z.number().int(),
  state: AgentState,
  /** Mini-batches running now, as `<stepRunId>#<idx>`. */
  current: z.array(z.string()),
  cpuPercent: z.number(),
  memoryBytes: z.number(),
  startedAt: z.number(),
  lastSeen: z.number(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;
