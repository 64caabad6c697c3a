import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { openHandedDatastore } from "../datastores/handed";
import type { Datastore } from "../datastores/types";
import { errorMessage } from "../errors";
import { type Assignment, LocalAgent, type ProcessEvent, type ProcessRef, type WorkSource } from "../engine/agent";
import type { MiniBatchResult } from "../engine/protocol";
import { scorerModule } from "../engine/runtime";
import type { FileCache } from "./file-cache";
import type { ClusterKeys } from "./keys";
import type { MiniBatchJob, RemoteResult, ResultsEntry, StepSetup } from "./messages";

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
  lastUsed = Date.now();

  private constructor(
    private readonly ctx: StepHostContext,
    readonly setup: StepSetup,
  ) {}

  /** Loads what the step needs (files from the studio, verified) and prepares its processes. */
  static async open(ctx: StepHostContext, setup: StepSetup): Promise<StepHost> {
    const host = new StepHost(ctx, setup);
    await host.prepare();
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

  private async prepare(): Promise<void> {
    const { setup, ctx } = this;
    const settings = setup.settings && typeof setup.settings === "object" ? { ...(setup.settings as Record<string, unknown>) } : setup.settings;
    for (const [key, ref] of Object.entries(setup.settingsFiles)) (settings as Record<string, unknown>)[key] = await ctx.cache.file(ref);
    const entryModule = setup.entry.kind === "builtin" ? scorerModule(setup.entry.scorer) : join(await ctx.cache.tree(setup.entry.tree), setup.entry.module);
    const sideInputs: Record<string, string[]> = {};
    for (const [name, refs] of Object.entries(setup.sideInputs)) sideInputs[name] = await Promise.all(refs.map((r) => ctx.cache.file(r)));
    const stepDir = join(ctx.workDir, "steps", setup.stepKey);
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
          settings,
          loggingLevel: setup.loggingLevel,
          logDir: join(stepDir, "logs"),
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
      const path = `${this.setup.output.path}/.prs-segments/${this.setup.stepKey}/${result.idx}-${result.attempt}-${this.ctx.agentId}.seg`;
      try {
        await this.output!.write(path, readBytes(output.file, output.offset, output.length));
        remote = { ...rest, segment: { path, length: output.length, columns: output.columns } };
      } catch (error) {
        remote = {
          ...rest,
          status: "STORAGE_ERROR",
          succeeded: 0,
          failed: 0,
          error: `the rows could not be written to ${this.setup.output.datastore}/${path}: ${errorMessage(error)}`,
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
