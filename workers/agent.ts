import { AgentHost } from "../lib/cluster/agent-host";
import type { AgentSettings } from "../lib/cluster/agent-env";

/**
 * Runs an agent until it is drained (SIGTERM, or Drain on the Agents page) or stopped (SIGINT, or
 * Stop): drained, it finishes the mini-batches it holds; stopped, they go back to the queue.
 */
export async function runAgent(settings: AgentSettings, log: (line: string) => void): Promise<void> {
  const agent = new AgentHost({ ...settings, log });
  await agent.start();
  const onTerm = () => void agent.drain();
  const onInt = () => void agent.stop();
  process.once("SIGTERM", onTerm);
  process.once("SIGINT", onInt);
  await agent.done();
  process.off("SIGTERM", onTerm);
  process.off("SIGINT", onInt);
}
