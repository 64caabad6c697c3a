/**
 * Every Redis key and BullMQ queue of the multi-machine mode, under one prefix (PRS_QUEUE_PREFIX)
 * so that several studios (or test files) can share one Redis without seeing each other.
 */
export class ClusterKeys {
  constructor(readonly prefix: string) {}

  /** The BullMQ queue of an agent pool (BullMQ puts its own keys under `<prefix>:<queue>:`). */
  queueName(pool: string): string {
    return `pool-${pool}`;
  }

  /** Sorted set of agent ids by last heartbeat (ms). */
  get agents(): string {
    return `${this.prefix}:agents`;
  }

  /** An agent's last heartbeat: host, pool, processes, state, current mini-batches, CPU, memory. */
  agent(id: string): string {
    return `${this.prefix}:agent:${id}`;
  }

  /** What an operator asked of an agent: `drain` or `stop`. */
  agentCommand(id: string): string {
    return `${this.prefix}:agent:${id}:command`;
  }

  /** The counter that numbers agents (their node id in process references). */
  get agentSequence(): string {
    return `${this.prefix}:agent-seq`;
  }

  /** What agents need to run a step's mini-batches (StepSetup as JSON). */
  step(stepKey: string): string {
    return `${this.prefix}:step:${stepKey}`;
  }

  /** Which orchestrator's pool dispatches a step now (a takeover replaces it); a former holder leaves the step alone. */
  stepOwner(stepKey: string): string {
    return `${this.prefix}:step:${stepKey}:owner`;
  }

  /** Stream of what agents report about a step: finished attempts and process events. */
  results(stepKey: string): string {
    return `${this.prefix}:results:${stepKey}`;
  }

  /** A file the studio serves to agents by content hash: its path on the studio's machine. */
  file(sha256: string): string {
    return `${this.prefix}:file:${sha256}`;
  }

  /** Pub/sub channel telling agents that a step ended or was cancelled. */
  get control(): string {
    return `${this.prefix}:control`;
  }

  /** Stream of log chunks agents ship for a step (read and trimmed by the orchestrator). */
  logs(stepKey: string): string {
    return `${this.prefix}:logs:${stepKey}`;
  }

  /** Hash of agent id -> the step's processes on that agent (AgentStepWorkers), from heartbeats. */
  stepWorkers(stepKey: string): string {
    return `${this.prefix}:workers:${stepKey}`;
  }

  /** Sorted set of the agents holding a seat of a step (at most node_count), by last refresh. */
  stepSeats(stepKey: string): string {
    return `${this.prefix}:seats:${stepKey}`;
  }
}
