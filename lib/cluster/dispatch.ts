import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Datastore } from "../datastores/types";
import { errorMessage } from "../errors";
import type { Assignment, WorkSource } from "../engine/agent";
import type { MiniBatchResult } from "../engine/protocol";
import { SegmentWriter } from "../engine/segments";
import type { Agent } from "../engine/step-executor";
import type { ClusterKeys } from "./keys";
import { type MiniBatchJob, type RemoteResult, ResultsEntry, type StepSetup } from "./messages";
import { AgentRegistry } from "./registry";

/** What the orchestrator needs to dispatch to agents: Redis, the key prefix, the lock duration. */
export interface ClusterDeps {
  redis: Redis;
  keys: ClusterKeys;
  /** Mini-batches handed to the queue and not yet finished, per step (bounds Redis and memory). */
  dispatchWindow?: number;
}

/** The id of a step of a run across sessions (resume and takeover find the same jobs and results). */
export function stepKeyOf(runId: string, stepName: string): string {
  return `${runId}_${createHash("sha256").update(stepName).digest("hex").slice(0, 12)}`;
}

/** Results read by the orchestrator stay this long in the step's stream (for a takeover), then are trimmed. */
const RESULTS_KEPT_MS = 10_000;
const RESULTS_TRIM_EVERY_MS = 2_000;

export function jobIdOf(stepKey: string, idx: number, attempt: number): string {
  return `${stepKey}_${idx}_${attempt}`;
}

/**
 * BullMQ priority (1 is first) of a mini-batch: its index in the step. Each step's mini-batches go
 * in input order, and a small interactive run (indexes 0..99) goes ahead of the bulk of a
 * million-file run queued before it, instead of waiting behind all of it.
 */
export function priorityOf(idx: number): number {
  return Math.max(1, Math.min(2_097_152, idx + 1));
}

export interface RemotePoolOptions {
  pool: string;
  nodeCount: number;
  stepKey: string;
  /** Publishes the step's setup (and registers its files) before the first job is queued. */
  publish: () => Promise<StepSetup>;
  /** Where the orchestrator appends the segments agents wrote (its own segment file). */
  segmentsDir: string;
  /** The step's output datastore: agents write segment objects there, the orchestrator reads them. */
  output: Datastore;
  /** The folder of `output` holding the step's segment objects: removed when the step ends or is cancelled. */
  segmentFolder: string;
  /** Told how many agents of the pool are connected, whenever that changes. */
  onAgents?: (connected: number, wanted: number) => void;
  /** Whether this orchestrator lost the run's lease (another studio holds it): then nothing of the step is touched. */
  leaseLost?: () => boolean;
  /** Told when Redis stops answering (with the sentence to show) and when it is back. */
  onRedis?: (reachable: boolean, message: string) => void;
  log?: (line: string) => void;
}

/**
 * The step executor's view of an agent pool: mini-batches it takes from the executor become
 * BullMQ jobs (ids and the item spec only), and what agents report through the step's results
 * stream goes back to the executor. BullMQ's lock and stalled-job check move the jobs of an agent
 * that died back to the queue, with the same attempt number: a lost agent does not count against
 * run_max_try. Only the first report of an attempt is taken (the executor ignores the rest), so
 * each mini-batch's rows reach the output once.
 *
 * Redis may lose what it held (restarted without persistence, flushed): the pool reconciles its
 * jobs with the queue after every reconnection and every RECONCILE_FULL_MS. A job it handed over
 * that is neither in the queue nor reported gets queued again (same id and attempt), and a step
 * setup that is gone is published again, so a Redis restart delays the step instead of hanging it.
 *
 * Another studio may take the run over (its orchestrator stopped renewing the lease): the step's
 * owner key then names the new pool, and a former holder that wakes up leaves the queue, the
 * agents and the step's keys alone (no job removal, no cancel, no clean-up of the new holder's
 * setup and results), as its database writes are refused by the lease.
 */
/** How often the pool checks that Redis still holds the step (one EXISTS). */
const RECONCILE_TICK_MS = 2000;
/** How often every handed-over job is checked, even without a sign that Redis lost anything. */
const RECONCILE_FULL_MS = 30_000;
/** A job missing from the queue is queued again only if still missing (and unreported) after this. */
const RECONCILE_CONFIRM_MS = 1500;
/** Redis connected but silent this long is reported as unreachable. */
const REDIS_SILENT_MS = 5000;
/** As long as a step's setup stays in Redis (publish-step.ts). */
const OWNER_TTL_SECONDS = 7 * 24 * 3600;

export class RemotePool implements Agent {
  private queue?: Queue;
  private reader?: Redis;
  private started = false;
  private closed = false;
  /** Jobs handed to the queue and not yet reported, by job id (kept to queue them again). */
  private readonly inFlight = new Map<string, { name: string; data: MiniBatchJob; opts: JobsOptions }>();
  private pumping = Promise.resolve();
  private ready?: Promise<void>;
  private watch?: NodeJS.Timeout;
  private connected = -1;
  private writer?: SegmentWriter;
  private trimmedAt = 0;
  /** Segment objects read for the results stream entries at hand (an agent writes several mini-batches per object). */
  private readonly objects = new Map<string, Promise<Buffer>>();
  private readerDone?: Promise<void>;
  private reconciler?: NodeJS.Timeout;
  private reconciling?: Promise<void>;
  private lastFullCheck = 0;
  /** Redis went away since the last reconcile (or is away now). */
  private redisLost = false;
  private unreachable = false;
  /** The current reconcile has waited REDIS_SILENT_MS for Redis (reported). */
  private stalled = false;
  private reconcileStarted = 0;
  private readonly onRedisError = (error: Error) => this.redisDown(error);
  private readonly onRedisReady = () => this.redisUp();
  /**
   * Attempts reported in the results stream before this pool handed them out: a former holder's
   * jobs (takeover, resume). When the executor hands the same attempt out, its report is used
   * instead of running it again.
   */
  private readonly early = new Map<string, Extract<ResultsEntry, { type: "attempt" }>>();
  /** Resolves once the reader has read the results stream as it was when the pool started. */
  private caughtUp?: Promise<void>;
  private markCaughtUp = () => {};
  /** This pool's claim on the step in Redis (keys.stepOwner); a takeover replaces it. */
  private readonly token = `${process.pid}-${randomBytes(6).toString("hex")}`;

  constructor(
    private readonly deps: ClusterDeps,
    private readonly options: RemotePoolOptions,
    private readonly source: WorkSource,
  ) {}

  get liveProcesses(): number {
    // Agents come and go; a pool is never "out of processes" from the orchestrator's side.
    return 1;
  }

  start(): void {
    if (this.started) return this.wake();
    this.started = true;
    const { redis, keys } = this.deps;
    this.queue = new Queue(keys.queueName(this.options.pool), { connection: redis, prefix: keys.prefix });
    // Without a listener BullMQ prints every failed reconnection; the pool reports an outage once.
    this.queue.on("error", this.onRedisError);
    redis.on("error", this.onRedisError);
    redis.on("ready", this.onRedisReady);
    this.ready = redis
      .set(keys.stepOwner(this.options.stepKey), this.token, "EX", OWNER_TTL_SECONDS)
      .then(() => this.options.publish())
      .then(() => undefined);
    this.ready.catch((error: unknown) => this.fail(`the step could not be handed to agents: ${errorMessage(error)}`));
    this.reader = redis.duplicate();
    this.reader.on("error", () => {});
    this.caughtUp = new Promise((resolve) => {
      this.markCaughtUp = resolve;
    });
    this.readerDone = this.readResults(() => this.markCaughtUp());
    const registry = new AgentRegistry(redis, keys);
    const check = () =>
      void registry.working(this.options.pool).then(
        (agents) => {
          if (agents.length === this.connected) return;
          this.connected = agents.length;
          this.options.onAgents?.(agents.length, this.options.nodeCount);
        },
        () => {},
      );
    check();
    this.watch = setInterval(check, 1000);
    this.watch.unref();
    this.reconciler = setInterval(() => this.reconcileSoon(), RECONCILE_TICK_MS);
    this.reconciler.unref();
    this.wake();
  }

  /** Where Redis is, for messages (never its password). */
  private get redisAddress(): string {
    const { host, port, path } = this.deps.redis.options;
    return path ?? `${host ?? "127.0.0.1"}:${port ?? 6379}`;
  }

  private redisDown(error: Error): void {
    this.redisLost = true;
    if (this.unreachable || this.closed) return;
    this.unreachable = true;
    const message = `Redis unreachable at ${this.redisAddress} (${errorMessage(error)}); retrying: queued mini-batches wait, and are checked and queued again when it is back`;
    this.options.log?.(`step ${this.options.stepKey}: ${message}`);
    this.options.onRedis?.(false, message);
  }

  private redisUp(): void {
    if (!this.unreachable || this.closed) return;
    this.unreachable = false;
    const message = `Redis reachable again at ${this.redisAddress}: checking the step's mini-batches in its queue`;
    this.options.log?.(`step ${this.options.stepKey}: ${message}`);
    this.options.onRedis?.(true, message);
    // A restarted Redis may have lost the stream being caught up with: queue what is due.
    this.markCaughtUp();
    this.reconcileSoon();
  }

  private reconcileSoon(): void {
    if (this.closed || this.unreachable) return;
    if (this.reconciling) return this.checkStalled();
    this.reconcileStarted = Date.now();
    this.reconciling = this.reconcile()
      .catch((error: unknown) => this.options.log?.(`step ${this.options.stepKey}: queued mini-batches not checked, retrying: ${errorMessage(error)}`))
      .finally(() => {
        this.reconciling = undefined;
        if (!this.stalled || this.closed) return;
        this.stalled = false;
        const message = `Redis answers again at ${this.redisAddress}`;
        this.options.log?.(`step ${this.options.stepKey}: ${message}`);
        this.options.onRedis?.(true, message);
      });
  }

  /** Connected but silent (CLIENT PAUSE, an overloaded server): said once, as for an outage. */
  private checkStalled(): void {
    const silent = Date.now() - this.reconcileStarted;
    if (this.stalled || silent < REDIS_SILENT_MS) return;
    this.stalled = true;
    const message = `Redis unreachable at ${this.redisAddress} (connected, but no answer for ${Math.round(silent / 1000)} s: paused or overloaded); retrying: work waits and goes on when it answers`;
    this.options.log?.(`step ${this.options.stepKey}: ${message}`);
    this.options.onRedis?.(false, message);
  }

  /**
   * Checks that Redis still holds the step: its setup (published again when gone) and, after a
   * reconnection, a lost setup or every RECONCILE_FULL_MS, each handed-over job. Jobs neither in
   * the queue nor reported are queued again once confirmed missing (a job that just finished has
   * its result on the way in the stream: it gets RECONCILE_CONFIRM_MS to arrive).
   */
  private async reconcile(): Promise<void> {
    const { redis, keys } = this.deps;
    const queue = this.queue;
    if (!queue || !this.ready) return;
    await this.ready;
    const lost = this.redisLost;
    this.redisLost = false;
    if (!(await this.owns())) return;
    const setupGone = (await redis.exists(keys.step(this.options.stepKey))) === 0;
    if (setupGone) {
      this.options.log?.(`step ${this.options.stepKey}: its setup is no longer in Redis (restarted or flushed); publishing it again`);
      await this.options.publish();
    }
    if (!lost && !setupGone && Date.now() - this.lastFullCheck < RECONCILE_FULL_MS) return;
    this.lastFullCheck = Date.now();
    const missing = await this.missingJobs([...this.inFlight.keys()]);
    if (missing.length === 0) return;
    await new Promise((r) => setTimeout(r, RECONCILE_CONFIRM_MS));
    const confirmed = await this.missingJobs(missing.filter((id) => this.inFlight.has(id)));
    const jobs = confirmed.flatMap((id) => {
      const job = this.inFlight.get(id);
      return job ? [job] : [];
    });
    if (jobs.length === 0 || this.closed) return;
    this.options.log?.(
      `step ${this.options.stepKey}: ${jobs.length} mini-batch${jobs.length === 1 ? " was" : "es were"} no longer in Redis's queue; queued again`,
    );
    for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  }

  /** Of these job ids, those whose job is not in Redis (neither waiting, running nor finished). */
  private async missingJobs(ids: string[]): Promise<string[]> {
    const queue = this.queue;
    if (!queue || ids.length === 0) return [];
    const missing: string[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const pipeline = this.deps.redis.pipeline();
      for (const id of chunk) pipeline.exists(queue.toKey(id));
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((id, n) => {
        const [error, exists] = replies[n] ?? [null, 1];
        if (!error && exists === 0) missing.push(id);
      });
    }
    return missing;
  }

  wake(): void {
    if (!this.started || this.closed) return;
    this.pumping = this.pumping.then(() => this.pump()).catch((error: unknown) => this.fail(`mini-batches could not be queued: ${errorMessage(error)}`));
  }

  /** Takes mini-batches from the executor up to the window and queues them in one round trip. */
  private async pump(): Promise<void> {
    await this.ready;
    await this.caughtUp;
    const window = this.deps.dispatchWindow ?? 10_000;
    const batch: Assignment[] = [];
    while (!this.closed && this.inFlight.size + batch.length < window) {
      const next = this.source.take();
      if (!next) break;
      batch.push(next);
    }
    if (batch.length === 0 || !this.queue) return;
    const reported: Extract<ResultsEntry, { type: "attempt" }>[] = [];
    const jobs = batch.flatMap((a) => {
      const jobId = jobIdOf(this.options.stepKey, a.idx, a.attempt);
      const data: MiniBatchJob = { stepKey: this.options.stepKey, idx: a.idx, attempt: a.attempt, items: a.items };
      const opts: JobsOptions = { jobId, priority: priorityOf(a.idx), removeOnComplete: true, removeOnFail: true, attempts: 1 };
      const job = { name: "mini-batch", data, opts };
      this.inFlight.set(jobId, job);
      const early = this.early.get(jobId);
      if (!early) return [job];
      this.early.delete(jobId);
      reported.push(early);
      return [];
    });
    for (let i = 0; i < jobs.length; i += 1000) await this.queue.addBulk(jobs.slice(i, i + 1000));
    for (const entry of reported) await this.onAttempt(entry);
  }

  /**
   * Follows the step's results stream from its start (a takeover sees what came before it);
   * `caughtUp` once the entries that were there at the start are read, so that the first jobs are
   * queued knowing which attempts a former holder's agents already reported.
   */
  private async readResults(caughtUp: () => void): Promise<void> {
    const key = this.deps.keys.results(this.options.stepKey);
    let last = "0";
    const tail = await this.reader
      ?.xrevrange(key, "+", "-", "COUNT", 1)
      .then((entries) => entries[0]?.[0])
      .catch(() => undefined);
    if (!tail) caughtUp();
    while (!this.closed && this.reader) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.reader.xread("COUNT", 200, "BLOCK", 500, "STREAMS", key, last)) as typeof reply;
      } catch (error) {
        if (this.closed) return;
        this.options.log?.(`results of step ${this.options.stepKey} not read, retrying: ${errorMessage(error)}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!reply) continue;
      const entries = reply[0]?.[1] ?? [];
      await Promise.all(entries.map(([, fields]) => this.onEntry(fields)));
      if (tail && entries.length > 0 && !streamIdBefore(entries.at(-1)?.[0] ?? "0", tail)) caughtUp();
      this.objects.clear();
      last = entries.at(-1)?.[0] ?? last;
      this.trimResults(key, last);
    }
  }

  /**
   * Keeps the results stream from growing with the step (about 0.5 KB per mini-batch): entries this
   * orchestrator read more than RESULTS_KEPT_MS ago go (they are in the database after the next
   * progress flush, every 500 ms); a takeover still finds every result its predecessor may not have
   * written down (the lease expires after 15 s). At most one XTRIM every 2 s.
   */
  private trimResults(key: string, last: string): void {
    const readAt = Number(last.split("-")[0]);
    if (!Number.isFinite(readAt) || readAt - this.trimmedAt < RESULTS_TRIM_EVERY_MS) return;
    this.trimmedAt = readAt;
    this.deps.redis.xtrim(key, "MINID", "~", `${readAt - RESULTS_KEPT_MS}-0`).catch(() => {});
  }

  private async onEntry(fields: string[]): Promise<void> {
    const parsed = ResultsEntry.safeParse(JSON.parse(fields[1] ?? "null"));
    if (!parsed.success) return this.options.log?.(`an agent sent a result that is not understood: ${parsed.error.message.slice(0, 200)}`);
    const entry = parsed.data;
    if (entry.type === "process") return this.source.processEvent(entry.event);
    const jobId = jobIdOf(this.options.stepKey, entry.result.idx, entry.result.attempt);
    if (!this.inFlight.has(jobId)) {
      // Not handed out by this pool (yet): the executor would ignore it now, it may want it later.
      if (!this.early.has(jobId)) this.early.set(jobId, entry);
      return;
    }
    await this.onAttempt(entry);
  }

  private async onAttempt(entry: Extract<ResultsEntry, { type: "attempt" }>): Promise<void> {
    const { result, where } = entry;
    this.inFlight.delete(jobIdOf(this.options.stepKey, result.idx, result.attempt));
    this.source.complete(await this.localResult(result), where);
    this.wake();
  }

  /** The agent's result with its segment object copied into the orchestrator's own segment file. */
  private async localResult(remote: RemoteResult): Promise<MiniBatchResult> {
    const { segment, ...result } = remote;
    if (!segment || result.status !== "RUN_DONE") return result;
    try {
      let object = this.objects.get(segment.path);
      if (!object) {
        object = this.options.output.read(segment.path);
        this.objects.set(segment.path, object);
      }
      const rows = (await object).subarray(segment.offset, segment.offset + segment.length);
      if (rows.length !== segment.length) throw new Error(`it has ${rows.length} bytes where the agent wrote ${segment.length}`);
      this.writer ??= new SegmentWriter(join(this.options.segmentsDir, `remote-${process.pid}-${Date.now()}.seg`));
      const meta = { ...result, columns: segment.columns };
      const location = this.writer.append(
        {
          idx: meta.idx,
          attempt: meta.attempt,
          itemCount: meta.itemCount,
          succeeded: meta.succeeded,
          failed: meta.failed,
          columns: meta.columns,
          itemErrors: meta.itemErrors,
          runSeconds: meta.runSeconds,
          totalSeconds: meta.totalSeconds,
        },
        rows.toString("utf8"),
      );
      return { ...result, output: { ...location, columns: segment.columns } };
    } catch (error) {
      return {
        ...result,
        status: "STORAGE_ERROR",
        succeeded: 0,
        failed: 0,
        error: `the rows of mini-batch ${result.idx} (${segment.path}) could not be read back: ${errorMessage(error)}`,
      };
    }
  }

  private fail(reason: string): void {
    this.options.log?.(reason);
    // Reported like a storage failure: the step stops with the sentence and can be resumed.
    for (const jobId of this.inFlight.keys()) {
      const [idx, attempt] = jobId.split("_").slice(-2).map(Number);
      if (idx === undefined || attempt === undefined) continue;
      this.source.complete(
        { idx, attempt, status: "STORAGE_ERROR", itemCount: 0, succeeded: 0, failed: 0, runSeconds: 0, totalSeconds: 0, error: reason, itemErrors: [] },
        { nodeId: 0, processId: 0 },
      );
    }
    this.inFlight.clear();
  }

  /**
   * Whether this pool still owns the step in Redis: false once another studio took the run over.
   * An empty Redis (restarted) has no owner: the pool claims the step again.
   */
  private async owns(): Promise<boolean> {
    const key = this.deps.keys.stepOwner(this.options.stepKey);
    const owner = await this.deps.redis.get(key);
    if (owner === this.token) return true;
    if (owner === null) {
      await this.deps.redis.set(key, this.token, "EX", OWNER_TTL_SECONDS, "NX");
      return (await this.deps.redis.get(key)) === this.token;
    }
    return false;
  }

  /** The step ended: agents stop its processes; its setup and results are no longer needed. */
  async stop(): Promise<void> {
    // Jobs still queued (an attempt answered by a former holder's report) are not run for nothing.
    if (!(await this.close("step_ended", [...this.inFlight.keys()]))) return;
    const { redis, keys } = this.deps;
    await redis.del(keys.results(this.options.stepKey), keys.step(this.options.stepKey), keys.stepOwner(this.options.stepKey));
  }

  /** Cancelled (or the lease was lost): queued jobs are removed, agents stop the running ones. */
  async kill(): Promise<void> {
    const pending = [...this.inFlight.keys()];
    await this.close("cancel", pending);
  }

  /** Stops dispatching; false when another studio owns the step now (nothing of it is touched). */
  private async close(type: "step_ended" | "cancel", remove: string[] = []): Promise<boolean> {
    if (!this.started || this.closed) return false;
    this.closed = true;
    clearInterval(this.watch);
    clearInterval(this.reconciler);
    this.deps.redis.off("error", this.onRedisError);
    this.deps.redis.off("ready", this.onRedisReady);
    await this.reconciling;
    // Fenced twice: by the lease (known here as soon as a write was refused, even before the new
    // holder's pool claimed the step) and by the step's owner key in Redis.
    const owner = !this.options.leaseLost?.() && (await this.owns().catch(() => true));
    this.reader?.disconnect();
    await this.readerDone?.catch(() => {});
    await this.pumping.catch(() => {});
    const queue = this.queue;
    if (!owner) {
      this.options.log?.(`step ${this.options.stepKey}: another studio took the run over; its queued mini-batches and agents are left to it`);
      await queue?.close();
      this.writer?.close();
      return false;
    }
    if (queue) {
      // A job an agent holds is locked and stays; the cancel message stops it there.
      for (let i = 0; i < remove.length; i += 500) await Promise.all(remove.slice(i, i + 500).map((id) => queue.remove(id).catch(() => 0)));
      await queue.close();
    }
    await this.deps.redis.publish(this.deps.keys.control, JSON.stringify({ type, stepKey: this.options.stepKey }));
    this.writer?.close();
    // Every result taken was copied into this studio's own segment file: the objects agents wrote
    // are scratch now (a late duplicate an agent writes after this is a few bytes left over).
    await this.options.output.removeFolder(this.options.segmentFolder).then(
      (count) =>
        count > 0 &&
        this.options.log?.(`step ${this.options.stepKey}: removed ${count} segment object${count === 1 ? "" : "s"} from ${this.options.segmentFolder}`),
      (error: unknown) =>
        this.options.log?.(`step ${this.options.stepKey}: could not remove the segment objects in ${this.options.segmentFolder}: ${errorMessage(error)}`),
    );
    return true;
  }
}

/** Whether stream id `a` ("ms-seq") comes before `b`. */
function streamIdBefore(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am < bm || (am === bm && as < bs);
}
