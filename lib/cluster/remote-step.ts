import type { WorkerProcess } from "../contracts/run-events";
import type { Agent } from "../engine/step-executor";
import type { ClusterDeps, RemotePool } from "./dispatch";
import { LogSink } from "./log-sink";
import { AgentStepWorkers } from "./messages";
import { AgentRegistry } from "./registry";
import { StepSeats } from "./seats";
import { within } from "./within";

/** A heartbeat of a step's processes older than this is no longer shown (its agent is gone). */
const WORKERS_STALE_MS = 10_000;
/** How long the end of a step waits for its agents' last log lines. */
const LOGS_WAIT_MS = 15_000;
const LOGS_WAIT_CANCELLED_MS = 5_000;

/**
 * A step on an agent pool as the step executor sees it: the RemotePool's dispatch, plus what the
 * run page needs from the agents: their log files (LogSink, into the step's log folder) and their
 * processes (from the agents' heartbeats, for the worker-state snapshot).
 */
export class RemoteStep implements Agent {
  private readonly sink: LogSink;
  private readonly seats: StepSeats;
  private readonly registry: AgentRegistry;
  private poll?: NodeJS.Timeout;
  private latest: WorkerProcess[] = [];

  constructor(
    private readonly pool: RemotePool,
    private readonly deps: ClusterDeps,
    private readonly stepKey: string,
    logDir: string,
    log?: (line: string) => void,
  ) {
    this.sink = new LogSink(deps.redis, deps.keys, stepKey, logDir, log);
    this.seats = new StepSeats(deps.redis, deps.keys);
    this.registry = new AgentRegistry(deps.redis, deps.keys);
  }

  get liveProcesses(): number {
    return this.pool.liveProcesses;
  }

  start(): void {
    if (!this.poll) {
      this.sink.start();
      this.poll = setInterval(() => void this.readWorkers(), 500);
      this.poll.unref();
    }
    this.pool.start();
  }

  wake(): void {
    this.pool.wake();
  }

  /** The step's processes on every agent, as their last heartbeats described them (the last seen, once the step ended). */
  workers(): WorkerProcess[] {
    return this.latest;
  }

  private async readWorkers(): Promise<void> {
    try {
      const all = await this.deps.redis.hgetall(this.deps.keys.stepWorkers(this.stepKey));
      const now = Date.now();
      const out: WorkerProcess[] = [];
      for (const raw of Object.values(all)) {
        const parsed = AgentStepWorkers.safeParse(JSON.parse(raw));
        if (!parsed.success || now - parsed.data.at > WORKERS_STALE_MS) continue;
        const { host, nodeId, processes } = parsed.data;
        for (const p of processes) out.push({ nodeId, host, ...p });
      }
      this.latest = out.sort((a, b) => a.nodeId - b.nodeId || a.processId - b.processId);
    } catch {
      // Redis away for a moment: the last state stays shown.
    }
  }

  async stop(): Promise<void> {
    // The processes as they were at the end (agents remove their entries once the step ended).
    await within(this.readWorkers(), 2000);
    await this.pool.stop();
    await this.end(LOGS_WAIT_MS);
  }

  async kill(): Promise<void> {
    await this.pool.kill();
    await this.end(LOGS_WAIT_CANCELLED_MS);
  }

  private async end(waitMs: number): Promise<void> {
    clearInterval(this.poll);
    // Bounded: with Redis away, the step ends without the agents' last lines rather than hanging.
    await within(
      this.sink.finish(
        waitMs,
        () => this.seats.holders(this.stepKey),
        async () => new Set((await this.registry.list()).map((a) => a.id)),
      ),
      waitMs + 5000,
    );
    await this.deps.redis.del(this.deps.keys.stepWorkers(this.stepKey), this.deps.keys.stepSeats(this.stepKey)).catch(() => 0);
  }
}
