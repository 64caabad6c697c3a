import { randomBytes } from "node:crypto";
import { availableParallelism, hostname, loadavg } from "node:os";
import { join } from "node:path";
import { DelayedError, type Job, Worker } from "bullmq";
import type { AgentInfo, AgentState } from "../contracts/agents";
import { errorMessage } from "../errors";
import { residentBytes } from "../engine/proc-stats";
import { FileCache } from "./file-cache";
import { ClusterKeys } from "./keys";
import { type AgentStepWorkers, ControlMessage, MiniBatchJob, StepSetup } from "./messages";
import { openRedis, type Redis } from "./redis";
import { AGENT_HEARTBEAT_MS, AgentRegistry } from "./registry";
import { StepSeats } from "./seats";
import { StepHost, type StepHostContext, sendResult } from "./step-host";

/** How long a job of a step this agent has no seat of (node_count reached) waits before the seated agents may take it. */
const NO_SEAT_DELAY_MS = 100;
/**
 * How long this agent then keeps the job's concurrency slot: the seated agents get the job back
 * meanwhile (an agent without a seat fetching at once would win every job back and starve them).
 */
const NO_SEAT_HOLD_MS = 2000;
/** How long a step that could not be prepared here fails its jobs at once before it is tried again. */
const FAILED_STEP_RETRY_MS = 15_000;
/** Workers entries of a step (hash in Redis) outlive a silent studio for this long. */
const WORKERS_TTL_SECONDS = 24 * 3600;

export interface AgentHostOptions {
  pool: string;
  /** The studio's address: the agent fetches entry scripts and models from it. */
  server: string;
  /** Sent as `Authorization: Bearer <token>` to the studio (PRS_TOKEN or PRS_AGENT_SECRET). */
  token: string;
  redisUrl: string;
  queuePrefix: string;
  /** Worker processes per step on this agent (at most the step's process_count_per_node). */
  processes?: number;
  /** Working folder: file cache, logs, segment files. */
  workDir: string;
  /** BullMQ lock of a running mini-batch; after it expires without renewal, it runs elsewhere. */
  lockMs: number;
  /** A step without jobs on this agent for this long has its processes stopped. */
  idleStepMs?: number;
  heartbeatMs?: number;
  log?: (line: string) => void;
}

/**
 * An agent (`prs agent`): registers in its pool, heartbeats, takes mini-batch jobs from the
 * pool's BullMQ queue and runs them in worker processes per step (StepHost). It needs Redis and
 * the studio's address, never the database or the studio's disk.
 */
export class AgentHost {
  readonly id = `agt_${hostname()
    .replace(/[^A-Za-z0-9-]/g, "-")
    .slice(0, 40)}_${process.pid}_${randomBytes(3).toString("hex")}`;
  private readonly keys: ClusterKeys;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly registry: AgentRegistry;
  private readonly cache: FileCache;
  private readonly seats: StepSeats;
  /** Steps whose seats are all taken by other agents, with when this agent last found so. */
  private readonly seatless = new Map<string, { nodeCount: number | undefined; at: number }>();
  private readonly hosts = new Map<string, Promise<StepHost>>();
  private worker?: Worker;
  private nodeId = 0;
  private state: AgentState = "idle";
  private beat?: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private finished?: Promise<void>;
  private resolveFinished?: () => void;
  private readonly log: (line: string) => void;

  constructor(private readonly options: AgentHostOptions) {
    this.keys = new ClusterKeys(options.queuePrefix);
    this.redis = openRedis(options.redisUrl, `prs-agent-${options.pool}`);
    this.subscriber = openRedis(options.redisUrl, `prs-agent-${options.pool}-control`);
    this.registry = new AgentRegistry(this.redis, this.keys, options.heartbeatMs ?? AGENT_HEARTBEAT_MS);
    this.cache = new FileCache(join(options.workDir, "cache"), options.server, { authorization: `Bearer ${options.token}` });
    this.seats = new StepSeats(this.redis, this.keys);
    this.log = options.log ?? (() => {});
  }

  /** This agent's folder under a step's logs on the studio: agents/<host>-<node id>/. */
  get logFolder(): string {
    return `${hostname()
      .replace(/[^A-Za-z0-9._-]/g, "-")
      .slice(0, 60)}-${this.nodeId}`;
  }

  get processes(): number {
    return this.options.processes ?? availableParallelism();
  }

  /** Registers and starts taking work; resolves once the agent has stopped (drain, stop, close). */
  async start(): Promise<void> {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    this.nodeId = await this.registry.nextNodeId();
    await this.heartbeat();
    this.beat = setInterval(() => void this.heartbeat(), this.options.heartbeatMs ?? AGENT_HEARTBEAT_MS);
    await this.subscriber.subscribe(this.keys.control);
    this.subscriber.on("message", (_channel, message: string) => this.onControl(message));
    this.worker = new Worker(this.keys.queueName(this.options.pool), (job, token) => this.process(job, token), {
      connection: this.redis.duplicate(),
      prefix: this.keys.prefix,
      concurrency: this.processes * 2,
      lockDuration: this.options.lockMs,
      stalledInterval: Math.max(500, Math.floor(this.options.lockMs / 2)),
      // An agent that dies is not the mini-batch's fault: its job goes back to the queue every time.
      maxStalledCount: 1000,
      autorun: true,
    });
    this.worker.on("error", (error) => this.log(`queue: ${errorMessage(error)}`));
    this.log(`agent ${this.id} (node ${this.nodeId}) in pool '${this.options.pool}' with ${this.processes} processes per step`);
  }

  /** Resolves when the agent has stopped. */
  done(): Promise<void> {
    return this.finished ?? Promise.resolve();
  }

  private async process(job: Job, token?: string): Promise<void> {
    const data = MiniBatchJob.parse(job.data);
    let host: StepHost;
    try {
      if (!(await this.seated(data.stepKey))) {
        // node_count agents run this step already: the job goes back for them (not a try).
        await job.moveToDelayed(Date.now() + NO_SEAT_DELAY_MS, token);
        await new Promise((r) => setTimeout(r, NO_SEAT_HOLD_MS));
        throw new DelayedError();
      }
      host = await this.host(data.stepKey);
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      // The step cannot run here (its files could not be fetched, its setup is gone): a failed try,
      // so the orchestrator retries it up to run_max_try and then fails it with this sentence.
      const message = `agent ${this.id} could not prepare the step: ${errorMessage(error)}`;
      this.log(message);
      await sendResult(this.redis, this.keys, data.stepKey, {
        type: "attempt",
        agentId: this.id,
        result: {
          idx: data.idx,
          attempt: data.attempt,
          status: "PROCESS_DIED",
          itemCount: 0,
          succeeded: 0,
          failed: 0,
          runSeconds: 0,
          totalSeconds: 0,
          error: message,
          itemErrors: [],
        },
        where: { nodeId: this.nodeId, processId: 0 },
      });
      return;
    }
    await host.run(data);
  }

  /**
   * Whether this agent holds (or now takes) one of the step's node_count seats. A step with a
   * host here has one; otherwise the step's setup says node_count.
   */
  private async seated(stepKey: string): Promise<boolean> {
    if (this.hosts.has(stepKey)) return true;
    const known = this.seatless.get(stepKey);
    let nodeCount = known?.nodeCount;
    if (!known) {
      const raw = await this.redis.get(this.keys.step(stepKey));
      if (!raw) return true; // no setup: openHost says why
      nodeCount = StepSetup.parse(JSON.parse(raw)).nodeCount;
    }
    if (await this.seats.claim(stepKey, this.id, nodeCount)) {
      this.seatless.delete(stepKey);
      return true;
    }
    if (!this.seatless.has(stepKey))
      this.log(`step ${stepKey}: its ${nodeCount} agent seat${nodeCount === 1 ? " is" : "s are"} taken (node_count); its jobs go to those agents`);
    this.seatless.set(stepKey, { nodeCount, at: Date.now() });
    return false;
  }

  private host(stepKey: string): Promise<StepHost> {
    let host = this.hosts.get(stepKey);
    if (!host) {
      const opening = this.openHost(stepKey);
      host = opening;
      this.hosts.set(stepKey, opening);
      // A step that cannot be prepared here (its environment does not build...) fails the next
      // jobs at once with the same sentence for a while, instead of preparing it again for each.
      opening.catch(() => {
        const timer = setTimeout(() => this.hosts.get(stepKey) === opening && this.hosts.delete(stepKey), FAILED_STEP_RETRY_MS);
        timer.unref();
      });
    }
    return host;
  }

  private async openHost(stepKey: string): Promise<StepHost> {
    const raw = await this.redis.get(this.keys.step(stepKey));
    if (!raw) throw new Error(`step ${stepKey} has no setup in Redis (it ended, or its studio uses another PRS_QUEUE_PREFIX)`);
    const setup = StepSetup.parse(JSON.parse(raw));
    const ctx: StepHostContext = {
      agentId: this.id,
      nodeId: this.nodeId,
      redis: this.redis,
      keys: this.keys,
      cache: this.cache,
      workDir: this.options.workDir,
      maxProcesses: this.processes,
      logFolder: this.logFolder,
      log: this.log,
    };
    this.log(`step ${setup.stepName} of run ${setup.runId}: starting processes`);
    return StepHost.open(ctx, setup);
  }

  private onControl(message: string): void {
    const parsed = ControlMessage.safeParse(JSON.parse(message));
    if (!parsed.success) return;
    this.seatless.delete(parsed.data.stepKey);
    const host = this.hosts.get(parsed.data.stepKey);
    if (!host) return;
    this.hosts.delete(parsed.data.stepKey);
    void host.then((h) => this.closeHost(h, parsed.data.type === "cancel")).catch(() => {});
  }

  /** Stops a step here: its processes, its last logs shipped, then its seat and its process table entry given up. */
  private async closeHost(host: StepHost, kill: boolean): Promise<void> {
    const stepKey = host.setup.stepKey;
    await host.close(kill);
    await this.seats.release(stepKey, this.id).catch(() => {});
    await this.redis.hdel(this.keys.stepWorkers(stepKey), this.id).catch(() => 0);
  }

  /** Each step's processes here into its workers hash (the run page's process table), and its seat kept. */
  private async reportSteps(hosts: StepHost[]): Promise<void> {
    if (hosts.length === 0) return;
    const multi = this.redis.multi();
    for (const host of hosts) {
      const stepKey = host.setup.stepKey;
      const entry: AgentStepWorkers = { agentId: this.id, host: hostname(), nodeId: this.nodeId, at: Date.now(), processes: host.processStates() };
      multi.hset(this.keys.stepWorkers(stepKey), this.id, JSON.stringify(entry)).expire(this.keys.stepWorkers(stepKey), WORKERS_TTL_SECONDS);
    }
    await multi.exec();
  }

  private async heartbeat(): Promise<void> {
    try {
      const hosts = await this.settledHosts();
      await this.stopIdleSteps(hosts);
      // Seats of every step here, those still preparing (fetching files, building an environment) too.
      await Promise.all([...this.hosts.keys()].map((stepKey) => this.seats.refresh(stepKey, this.id)));
      await this.reportSteps(hosts.filter((h) => this.hosts.has(h.setup.stepKey)));
      for (const [stepKey, seen] of this.seatless) if (Date.now() - seen.at > 60_000) this.seatless.delete(stepKey);
      const current = hosts.flatMap((h) => h.current);
      if (this.state === "idle" || this.state === "busy") this.state = current.length > 0 ? "busy" : "idle";
      const info: AgentInfo = {
        id: this.id,
        nodeId: this.nodeId,
        host: hostname(),
        pid: process.pid,
        pool: this.options.pool,
        processes: this.processes,
        state: this.state,
        current,
        cpuPercent: this.cpuPercent(hosts),
        memoryBytes: process.memoryUsage().rss + hosts.flatMap((h) => h.processPids()).reduce((n, pid) => n + (residentBytes(pid) ?? 0), 0),
        startedAt: this.startedAt,
        lastSeen: Date.now(),
      };
      await this.registry.beat(info);
      const command = await this.registry.commandFor(this.id);
      if (command === "drain" && this.state !== "draining" && this.state !== "stopping") void this.drain();
      if (command === "stop" && this.state !== "stopping") void this.stop();
    } catch (error) {
      this.log(`heartbeat not sent: ${errorMessage(error)}`);
    }
  }

  private async settledHosts(): Promise<StepHost[]> {
    const settled = await Promise.allSettled([...this.hosts.values()]);
    return settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  }

  private async stopIdleSteps(hosts: StepHost[]): Promise<void> {
    const idleMs = this.options.idleStepMs ?? 60_000;
    for (const host of hosts) {
      if (host.busy > 0 || Date.now() - host.lastUsed < idleMs) continue;
      this.hosts.delete(host.setup.stepKey);
      await this.closeHost(host, false);
    }
  }

  /** CPU of the machine as a percent of its cores (load average), since agents share machines. */
  private cpuPercent(_hosts: StepHost[]): number {
    return Math.min(100, Math.round(((loadavg()[0] ?? 0) / availableParallelism()) * 100));
  }

  /** Finishes the mini-batches it holds, takes no more, and leaves the pool. */
  async drain(): Promise<void> {
    this.state = "draining";
    this.log("draining: finishing the mini-batches held, taking no new ones");
    // Its seats go at once: another agent of the pool may take the steps' next mini-batches.
    await Promise.all([...this.hosts.keys()].map((stepKey) => this.seats.release(stepKey, this.id).catch(() => {})));
    await this.heartbeat();
    await this.worker?.close();
    await this.shutdown(false);
  }

  /** Stops at once: running mini-batches go back to the queue (their locks are released). */
  async stop(): Promise<void> {
    this.state = "stopping";
    await this.heartbeat();
    const hosts = await this.settledHosts();
    this.hosts.clear();
    await Promise.all(hosts.map((h) => this.closeHost(h, true)));
    await this.worker?.close(true);
    await this.shutdown(true);
  }

  private async shutdown(kill: boolean): Promise<void> {
    clearInterval(this.beat);
    const hosts = await this.settledHosts();
    this.hosts.clear();
    await Promise.all(hosts.map((h) => this.closeHost(h, kill)));
    await this.registry.remove(this.id).catch(() => {});
    this.subscriber.disconnect();
    await this.redis.quit().catch(() => {});
    this.log(`agent ${this.id} stopped`);
    this.resolveFinished?.();
  }
}
