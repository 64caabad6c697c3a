import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { openHandedDatastore } from "../datastores/handed";
import type { Datastore } from "../datastores/types";
import { errorMessage } from "../errors";
import { type Assignment, LocalAgent, type ProcessEvent, type ProcessRef, type WorkSource } from "../engine/agent";
import { cpuTicks, residentBytes } from "../engine/proc-stats";
import type { MiniBatchResult } from "../engine/protocol";
import { environmentCache, environmentLogPath } from "../engine/environment";
import { scorerModule } from "../engine/runtime";
import { AppError } from "../errors";
import type { FileCache } from "./file-cache";
import type { ClusterKeys } from "./keys";
import { LogShipper } from "./log-shipper";
import { SegmentBatcher } from "./segment-batch";
import { within } from "./within";
import { type AgentStepWorkers, type MiniBatchJob, type RemoteResult, type ResultsEntry, segmentFolderOf, type StepSetup } from "./messages";

export interface StepHostContext {
  agentId: string;
  nodeId: number;
  redis: Redis;
  keys: ClusterKeys;
  cache: FileCache;
  /** This agent's working folder (logs, segments, the scripts' own outputs). */
  workDir: string;
  /** Processes this agent runs at most per step. */
  maxProcesses: number;
  /** This agent's folder under the step's logs on the studio (agents/<folder>/): host and node id. */
  logFolder: string;
  log: (line: string) => void;
}

/**
 * One step on one agent: the same worker processes as the embedded mode (LocalAgent and
 * workers/child.ts), fed with the mini-batches of BullMQ jobs. A finished mini-batch's rows go to
 * the step's output datastore as a segment object, then its result to the step's results stream;
 * only then does the job complete, so a result is never lost (at worst reported twice, and the
 * orchestrator takes the first).
 */
export class StepHost implements WorkSource {
  private readonly queue: Assignment[] = [];
  private readonly waiting = new Map<string, () => void>();
  private agent?: LocalAgent;
  private closing = false;
  private output?: Datastore;
  private segments?: SegmentBatcher;
  private shipper?: LogShipper;
  private releaseEnvironment?: () => void;
  private readonly cpu = new Map<number, { ticks: number; at: number }>();
  lastUsed = Date.now();

  private constructor(
    private readonly ctx: StepHostContext,
    readonly setup: StepSetup,
  ) {}

  /** Loads what the step needs (files from the studio, verified) and prepares its processes. */
  static async open(ctx: StepHostContext, setup: StepSetup): Promise<StepHost> {
    const host = new StepHost(ctx, setup);
    try {
      await host.prepare();
    } catch (error) {
      // What it logged on the way (the environment's build log) still reaches the studio.
      await host.shipper?.finish().catch(() => {});
      throw error;
    }
    return host;
  }

  get busy(): number {
    return this.waiting.size;
  }

  get current(): string[] {
    return [...this.waiting.keys()].map((key) => `${this.setup.stepKey}#${key.split("_")[0]}`);
  }

  /** Resident memory of the step's processes (bytes). */
  processPids(): number[] {
    return (this.agent?.processStates() ?? []).flatMap((p) => (p.pid ? [p.pid] : []));
  }

  /** The step's processes on this agent, for its heartbeat: state, current mini-batch, memory, CPU since the last call. */
  processStates(): AgentStepWorkers["processes"] {
    const now = Date.now();
    const seen = new Set<number>();
    const states = (this.agent?.processStates() ?? []).map((p) => {
      if (!p.pid) return { processId: p.processId, ready: p.ready, retired: p.retired, current: p.current };
      seen.add(p.pid);
      const ticks = cpuTicks(p.pid);
      const before = this.cpu.get(p.pid);
      if (ticks !== undefined) this.cpu.set(p.pid, { ticks, at: now });
      const cpuPercent =
        ticks !== undefined && before && now > before.at ? Math.max(0, Math.round(((ticks - before.ticks) * 10 * 100) / (now - before.at))) : undefined;
      return { processId: p.processId, pid: p.pid, ready: p.ready, retired: p.retired, current: p.current, rssBytes: residentBytes(p.pid), cpuPercent };
    });
    for (const pid of this.cpu.keys()) if (!seen.has(pid)) this.cpu.delete(pid);
    return states;
  }

  private async prepare(): Promise<void> {
    const { setup, ctx } = this;
    const settings = setup.settings && typeof setup.settings === "object" ? { ...(setup.settings as Record<string, unknown>) } : setup.settings;
    for (const [key, ref] of Object.entries(setup.settingsFiles)) (settings as Record<string, unknown>)[key] = await ctx.cache.file(ref);
    const entryModule = setup.entry.kind === "builtin" ? scorerModule(setup.entry.scorer) : join(await ctx.cache.tree(setup.entry.tree), setup.entry.module);
    const sideInputs: Record<string, string[]> = {};
    for (const [name, refs] of Object.entries(setup.sideInputs)) sideInputs[name] = await Promise.all(refs.map((r) => ctx.cache.file(r)));
    const stepDir = join(ctx.workDir, "steps", setup.stepKey);
    const logDir = join(stepDir, "logs");
    mkdirSync(logDir, { recursive: true });
    this.shipper = new LogShipper(ctx.redis, ctx.keys, setup.stepKey, ctx.agentId, ctx.logFolder, logDir, ctx.log);
    this.shipper.start();
    const environmentDir = setup.environmentBuild ? await this.buildEnvironment(setup.environmentBuild, logDir) : undefined;
    const store = setup.datastores[setup.output.datastore];
    if (!store) throw new Error(`the step's output datastore '${setup.output.datastore}' was not handed over`);
    this.output = openHandedDatastore(store.kind, store.config, store.secret);
    this.agent = new LocalAgent(
      {
        nodeId: ctx.nodeId,
        processCount: Math.min(setup.processCountPerNode, ctx.maxProcesses),
        setup: {
          runId: setup.runId,
          stepName: setup.stepName,
          entryModule,
          entryLabel: setup.entryLabel,
          environmentDir,
          settings,
          loggingLevel: setup.loggingLevel,
          logDir,
          outputDir: join(stepDir, "output"),
          segmentsDir: join(stepDir, "segments"),
          cacheDir: join(stepDir, "cache", "items"),
          sideInputs,
          arguments: setup.arguments,
          datastores: setup.datastores,
          outputAction: setup.outputAction,
        },
        environment: setup.environment,
        homeDir: join(stepDir, "home"),
        runInvocationTimeoutSeconds: setup.runInvocationTimeout,
        initTimeoutSeconds: setup.initTimeout,
        processMemoryLimitMb: setup.processMemoryLimit,
        maxInitFailures: setup.runMaxTry,
        queueDepth: 2,
      },
      this,
    );
  }

  /**
   * The step's environment, built into this agent's own cache (`<work dir>/environments`) from the
   * package.json and lock fetched from the studio by hash: the studio's build (EnvironmentCache),
   * its log copied into the step's logs as on the studio. Held in use until the step closes here.
   */
  private async buildEnvironment(build: NonNullable<StepSetup["environmentBuild"]>, logDir: string): Promise<string> {
    const { ctx } = this;
    const [packageJson, packageLock] = await Promise.all([ctx.cache.file(build.packageJson), ctx.cache.file(build.packageLock)]);
    const spec = {
      label: build.label,
      contentHash: build.contentHash,
      nodeMajor: build.nodeMajor,
      trustedScripts: build.trustedScripts,
      packageJson: readFileSync(packageJson, "utf8"),
      packageLock: readFileSync(packageLock, "utf8"),
    };
    const cache = environmentCache(join(ctx.workDir, "environments"));
    const logCopy = environmentLogPath(logDir);
    mkdirSync(join(logDir, "sys", "environment"), { recursive: true });
    const release = cache.use(spec.contentHash);
    const short = spec.contentHash.slice(0, 12);
    try {
      const built = await cache.ensure(spec);
      const note = built.built ? `built now on agent ${ctx.agentId}` : `taken from agent ${ctx.agentId}'s cache (built earlier)`;
      writeFileSync(logCopy, `Environment ${spec.label} (${short}): ${note}\n\n`);
      if (existsSync(built.logPath)) appendFileSync(logCopy, readFileSync(built.logPath));
      this.releaseEnvironment = release;
      ctx.log(`step ${this.setup.stepName}: environment ${spec.label} (${short}) ${built.built ? "built" : "from the cache"} at ${built.dir}`);
      return built.dir;
    } catch (error) {
      release();
      if (existsSync(cache.logOf(spec.contentHash))) {
        writeFileSync(logCopy, `Environment ${spec.label} (${short}) failed to build on agent ${ctx.agentId}\n\n`);
        appendFileSync(logCopy, readFileSync(cache.logOf(spec.contentHash)));
      }
      await this.shipper?.ship(true);
      if (error instanceof AppError) throw error;
      throw new Error(`environment ${spec.label} could not be built: ${errorMessage(error)}`);
    }
  }

  /** Runs one job's mini-batch; resolves once its result is in the results stream (or the step stops). */
  run(job: MiniBatchJob): Promise<void> {
    this.lastUsed = Date.now();
    const key = `${job.idx}_${job.attempt}`;
    if (this.closing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const earlier = this.waiting.get(key);
      this.waiting.set(key, () => {
        earlier?.();
        resolve();
      });
      if (earlier) return; // delivered again while running here: one run answers both
      this.queue.push({ idx: job.idx, attempt: job.attempt, items: job.items });
      this.agent?.start();
    });
  }

  take(): Assignment | undefined {
    return this.closing ? undefined : this.queue.shift();
  }

  giveBack(assignment: Assignment): void {
    if (this.closing) return this.settle(assignment.idx, assignment.attempt);
    this.queue.unshift(assignment);
    this.agent?.wake();
  }

  complete(result: MiniBatchResult, where: ProcessRef): void {
    this.lastUsed = Date.now();
    void this.report(result, where).finally(() => this.settle(result.idx, result.attempt));
  }

  processEvent(event: ProcessEvent): void {
    void this.send({ type: "process", agentId: this.ctx.agentId, event });
    if (event.type === "process_init_failed" && event.retired && this.agent?.liveProcesses === 0) {
      // No process of this step can start here: its queued mini-batches fail as tries, so the
      // orchestrator retries them (on other agents too) up to run_max_try.
      for (const a of this.queue.splice(0)) {
        this.complete(
          {
            idx: a.idx,
            attempt: a.attempt,
            status: "PROCESS_DIED",
            itemCount: 0,
            succeeded: 0,
            failed: 0,
            runSeconds: 0,
            totalSeconds: 0,
            error: `init() failed on agent ${this.ctx.agentId}: ${event.error}`,
            itemErrors: [],
          },
          { nodeId: this.ctx.nodeId, processId: event.where.processId },
        );
      }
    }
  }

  /** Stops the step's processes: gracefully when it ended, at once when it was cancelled. */
  async close(kill: boolean): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const a of this.queue.splice(0)) this.settle(a.idx, a.attempt);
    await (kill ? this.agent?.kill() : this.agent?.stop());
    for (const key of [...this.waiting.keys()]) this.waiting.get(key)?.();
    this.waiting.clear();
    // The processes wrote their last lines: all of them go to the studio, then the end (bounded:
    // with Redis away they stay on this machine).
    await within(this.shipper?.finish() ?? Promise.resolve(), 15_000);
    this.releaseEnvironment?.();
  }

  private settle(idx: number, attempt: number): void {
    const key = `${idx}_${attempt}`;
    const done = this.waiting.get(key);
    this.waiting.delete(key);
    done?.();
  }

  private async report(result: MiniBatchResult, where: ProcessRef): Promise<void> {
    const { output, ...rest } = result;
    let remote: RemoteResult = rest;
    if (output && result.status === "RUN_DONE") {
      const folder = segmentFolderOf(this.setup.output.path, this.setup.stepKey);
      try {
        // Several mini-batches per object when they finish together (SegmentBatcher): each result names its range.
        this.segments ??= new SegmentBatcher(this.output!, (n) => `${folder}/${this.ctx.agentId}-${n}.seg`);
        const slice = await this.segments.add(readBytes(output.file, output.offset, output.length));
        remote = { ...rest, segment: { ...slice, columns: output.columns } };
      } catch (error) {
        remote = {
          ...rest,
          status: "STORAGE_ERROR",
          succeeded: 0,
          failed: 0,
          error: `the rows could not be written to ${this.setup.output.datastore}/${folder}: ${errorMessage(error)}`,
        };
      }
    }
    await this.send({ type: "attempt", agentId: this.ctx.agentId, result: remote, where });
  }

  private send(entry: ResultsEntry): Promise<void> {
    return sendResult(this.ctx.redis, this.ctx.keys, this.setup.stepKey, entry, this.ctx.log);
  }
}

/** Appends to a step's results stream, retrying until Redis takes it (the job's lock is kept meanwhile). */
export async function sendResult(redis: Redis, keys: ClusterKeys, stepKey: string, entry: ResultsEntry, log: (line: string) => void = () => {}): Promise<void> {
  const key = keys.results(stepKey);
  for (let tries = 1; ; tries++) {
    try {
      await redis.xadd(key, "*", "e", JSON.stringify(entry));
      return;
    } catch (error) {
      if (tries % 10 === 1) log(`result of step ${stepKey} not sent yet (try ${tries}): ${errorMessage(error)}`);
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * tries)));
    }
  }
}

function readBytes(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buffer, done, length - done, offset + done);
      if (n === 0) throw new Error(`segment file ${file} ends before byte ${offset + length}`);
      done += n;
    }
    return buffer;
  } finally {
    closeSync(fd);
  }
}
