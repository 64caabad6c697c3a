import { fork, type ChildProcess } from "node:child_process";
import { closeSync, fstatSync, mkdirSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { DEFAULT_INIT_TIMEOUT_SECONDS } from "../contracts/parallel-run-config";
import type { ProcessLifecycle, ProcessRef } from "../contracts/run-events";
import type { AttemptStatus } from "../contracts/statuses";
import { workerEnvironment } from "./child-env";
import { diedOfHeapExhaustion, memoryLimitExecArgv, memoryLimitMessage, residentMegabytes } from "./memory-limit";
import { DEFAULT_RESTART_POLICY, describeExit, exitCause, restartDelayMs, type RestartPolicy } from "./restart-policy";
import { workerRuntime } from "./runtime";
import { openLog, readFrom, tail } from "./stderr-file";
import { grantFolders, type WorkerUser } from "./worker-user";
import { type BootProfile, type ProcessLauncher, runtimeIdentity, startEnvironment } from "./warm-pool";
import type { ChildMessage, ChildSetup, ItemsSpec, MiniBatchResult, ParentMessage } from "./protocol";

export interface Assignment {
  idx: number;
  attempt: number;
  items: ItemsSpec;
}

export type { ProcessRef };

/** The result of a try the agent ended (the process died, timed out or went over its memory limit). */
function failedTry(head: Assignment, status: AttemptStatus, error: string, runSeconds: number, totalSeconds = runSeconds): MiniBatchResult {
  const itemCount = head.items.kind === "files" ? head.items.names.length : 0;
  return { idx: head.idx, attempt: head.attempt, status, itemCount, succeeded: 0, failed: 0, runSeconds, totalSeconds, error, itemErrors: [] };
}

/**
 * Where an agent gets its work and reports back. The step executor implements it in-process;
 * a queue-backed implementation lets agents run on other machines.
 */
export interface WorkSource {
  take(): Assignment | undefined;
  complete(result: MiniBatchResult, where: ProcessRef): void;
  /** Work handed out but not started, given back when its process goes away. */
  giveBack(assignment: Assignment): void;
  processEvent(event: ProcessEvent): void;
}

/**
 * A WorkSource to start agents with before the work is known (their processes start while the
 * step is planned); `attach` connects the real source and hands over what happened meanwhile.
 */
export class DeferredSource implements WorkSource {
  private target?: WorkSource;
  private readonly early: ProcessEvent[] = [];

  attach(target: WorkSource): void {
    this.target = target;
    for (const event of this.early.splice(0)) target.processEvent(event);
  }

  take(): Assignment | undefined {
    return this.target?.take();
  }

  complete(result: MiniBatchResult, where: ProcessRef): void {
    this.target?.complete(result, where);
  }

  giveBack(assignment: Assignment): void {
    this.target?.giveBack(assignment);
  }

  processEvent(event: ProcessEvent): void {
    if (this.target) this.target.processEvent(event);
    else this.early.push(event);
  }
}

/** What happened to a worker process; the orchestrator relays it as a run event. */
export type ProcessEvent = ProcessLifecycle;

export interface AgentOptions {
  nodeId: number;
  processCount: number;
  setup: Omit<ChildSetup, "nodeId" | "processId">;
  /** The step's environment_variables: with a minimal PATH and HOME, all a process gets (child-env.ts). */
  environment: Record<string, string>;
  /** HOME of the processes; default: a `home` folder beside the step's segments folder. */
  homeDir?: string;
  /** The unprivileged user the processes run as (worker-user.ts); undefined: this process's user. */
  user?: WorkerUser;
  /** process_memory_limit in MB (memory-limit.ts); none when undefined. */
  processMemoryLimitMb?: number;
  runInvocationTimeoutSeconds: number;
  /** Seconds from a process's start to the end of its init() (init_timeout); default 300. */
  initTimeoutSeconds?: number;
  /** Mini-batches queued per process, so a process never waits for the next one. */
  queueDepth?: number;
  /** init() failures in a row after which a process slot gets no more work. */
  maxInitFailures?: number;
  /** Restart backoff and the guard against outside kills during init() (restart-policy.ts). */
  restart?: Partial<RestartPolicy>;
  /**
   * Where processes come from: a warm pool (warm-pool.ts) lends booted ones and takes healthy ones
   * back at the end; without it the agent forks its own and they end with the step.
   */
  launcher?: ProcessLauncher;
  /** What identifies the step's code beyond `setup` (the entry's content hash...): part of the runtime identity. */
  runtimeParts?: Record<string, unknown>;
}

/** Setup fields that change with every run: not part of a process's runtime identity. */
const PER_RUN_SETUP = ["runId", "logDir", "outputDir", "segmentsDir", "cacheDir", "datastores", "loggingLevel"] as const;

interface Slot {
  processId: number;
  child?: ChildProcess;
  ready: boolean;
  retired: boolean;
  initFailures: number;
  /** Outside kills (restart-policy.ts) before init() finished, since the last ready. */
  killsBeforeReady: number;
  /** Deaths in a row (reset when a process finishes a mini-batch): the restart backoff. */
  deaths: number;
  /** Set when the slot's current process failed init(): its exit restarts with backoff. */
  failedInit: boolean;
  spawnedAt: number;
  restartTimer?: NodeJS.Timeout;
  queue: Assignment[];
  /** When the head of the queue started running (ms since epoch). */
  headStartedAt: number;
  stopping: boolean;
  /** Size of the stderr file when the current process started: what follows is its own. */
  stderrOffset: number;
  /** Resident MB seen when the agent killed the current process for its memory limit. */
  killedOverLimitMb?: number;
  /** Removes the agent's listeners from the current process (before it goes back to its pool). */
  detach?: () => void;
}

/** Resolves when a piped process's output has all arrived (or after `capMs`, should a grandchild hold the pipes). */
function outputEnded(child: ChildProcess, capMs = 500): Promise<void> {
  const streams = [child.stdout, child.stderr].filter((s) => s && !s.closed);
  if (streams.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    let left = streams.length;
    const timer = setTimeout(resolve, capMs);
    for (const stream of streams)
      stream!.once("close", () => {
        if (--left > 0) return;
        clearTimeout(timer);
        resolve();
      });
  });
}

/**
 * A node agent: runs process_count_per_node worker processes, keeps each fed with mini-batches,
 * and replaces a process whose run() exceeds run_invocation_timeout or that dies.
 */
export class LocalAgent {
  private readonly slots: Slot[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly restart: RestartPolicy;
  /** Stops forwarding a pooled process's output into this step's logs. */
  private readonly forwarding = new Map<ChildProcess, () => void>();
  /** The step runtime's identity (warm-pool.ts): a pooled process keeps init() state only for this one. */
  readonly runtime: string;

  constructor(
    private readonly options: AgentOptions,
    private readonly source: WorkSource,
  ) {
    this.restart = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    const lasting: Record<string, unknown> = { ...options.setup };
    for (const field of PER_RUN_SETUP) delete lasting[field];
    this.runtime = runtimeIdentity({ setup: lasting, environment: options.environment, boot: this.bootProfile(), ...options.runtimeParts });
  }

  /** How this agent's processes are started (fixed for a process's life). */
  private bootProfile(): BootProfile {
    const runtime = workerRuntime();
    const user = this.options.user;
    return {
      module: runtime.module,
      execArgv: [...runtime.execArgv, ...memoryLimitExecArgv(this.options.processMemoryLimitMb)],
      startEnv: startEnvironment(this.options.environment),
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    };
  }

  start(): void {
    if (this.slots.length > 0) return this.wake();
    for (let p = 0; p < this.options.processCount; p++) {
      const slot: Slot = {
        processId: p,
        ready: false,
        retired: false,
        initFailures: 0,
        killsBeforeReady: 0,
        deaths: 0,
        failedInit: false,
        spawnedAt: 0,
        queue: [],
        headStartedAt: 0,
        stopping: false,
        stderrOffset: 0,
      };
      this.slots.push(slot);
      this.spawn(slot);
    }
    const tick = Math.max(20, Math.min(250, (this.options.runInvocationTimeoutSeconds * 1000) / 10));
    this.timer = setInterval(() => this.checkTimeouts(), tick);
    this.timer.unref();
  }

  /** Called when work becomes available (new or retried mini-batches). */
  wake(): void {
    for (const slot of this.slots) this.fill(slot);
  }

  get liveProcesses(): number {
    return this.slots.filter((s) => !s.retired).length;
  }

  processStates(): { processId: number; pid?: number; ready: boolean; retired: boolean; current?: number }[] {
    return this.slots.map((s) => ({ processId: s.processId, pid: s.child?.pid, ready: s.ready, retired: s.retired, current: s.queue[0]?.idx }));
  }

  /** Graceful stop: shutdown() in every process, then wait for them to exit. */
  stop(graceMs = 10_000): Promise<void> {
    return this.terminate(graceMs);
  }

  /** Immediate stop (cancel/abort): in-flight work is abandoned and given back. */
  kill(): Promise<void> {
    return this.terminate(0);
  }

  /** Stops every process: with a grace period, ready ones run shutdown() first; else SIGKILL. */
  private async terminate(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const slot of this.slots) clearTimeout(slot.restartTimer);
    await Promise.all(
      this.slots.map(async (slot) => {
        for (const a of slot.queue.splice(0)) this.source.giveBack(a);
        const child = slot.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        slot.stopping = true;
        const graceful = graceMs > 0 && slot.ready && child.connected;
        // A pooled process goes back to its pool; one that does not answer is stopped.
        const pooled = graceful && this.options.launcher !== undefined;
        if (pooled && (await this.giveBack(slot, child, graceMs))) return;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        if (graceful && !pooled) this.send(slot, { type: "shutdown" });
        else child.kill("SIGKILL");
        const timeout = graceful && !pooled ? setTimeout(() => child.kill("SIGKILL"), graceMs) : undefined;
        await exited;
        clearTimeout(timeout);
      }),
    );
  }

  private where(slot: Slot): { nodeId: number; processId: number; pid?: number } {
    return { nodeId: this.options.nodeId, processId: slot.processId, pid: slot.child?.pid };
  }

  private spawn(slot: Slot): void {
    const { setup, environment, nodeId } = this.options;
    const out = openLog(join(setup.logDir, "user", "stdout", String(nodeId), `${slot.processId}.stdout.txt`));
    const errFd = openLog(this.stderrPath(slot));
    const home = this.options.homeDir ?? join(dirname(setup.segmentsDir), "home");
    mkdirSync(home, { recursive: true });
    // What the process itself writes: its HOME, segments, entry-script logs, outputs, cached items.
    grantFolders(this.options.user, [home, setup.segmentsDir, join(setup.logDir, "user"), setup.outputDir, setup.cacheDir]);
    const stderrOffset = fstatSync(errFd).size;
    let child: ChildProcess;
    let pooled: { warm: boolean } | undefined;
    if (this.options.launcher) {
      const launched = this.options.launcher.acquire(this.bootProfile(), this.runtime);
      child = launched.child;
      pooled = { warm: launched.warm };
      this.forwardOutput(child, out, errFd);
    } else {
      const profile = this.bootProfile();
      child = fork(profile.module, [], {
        execArgv: profile.execArgv,
        // Next.js types declare NODE_ENV as always set; a worker gets it only when the studio has it.
        env: workerEnvironment(environment, home) as NodeJS.ProcessEnv,
        stdio: ["ignore", out, errFd, "ipc"],
        ...(this.options.user ? { uid: this.options.user.uid, gid: this.options.user.gid } : {}),
      });
      closeSync(out);
      closeSync(errFd);
    }
    slot.stderrOffset = stderrOffset;
    slot.killedOverLimitMb = undefined;
    slot.child = child;
    slot.ready = false;
    slot.stopping = false;
    slot.failedInit = false;
    slot.spawnedAt = Date.now();
    const onMessage = (message: ChildMessage) => this.onMessage(slot, child, message);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      // Piped output (a pooled process) may still be on its way: the stderr file is read on exit.
      if (pooled) void outputEnded(child).then(() => this.onExit(slot, child, code, signal));
      else this.onExit(slot, child, code, signal);
    };
    const onError = () => {}; // reported through "exit"
    child.on("message", onMessage);
    child.on("exit", onExit);
    child.on("error", onError);
    slot.detach = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
      child.off("error", onError);
    };
    const bound = { ...setup, nodeId, processId: slot.processId };
    if (pooled) this.send(slot, { type: "setup", setup: bound, environment: workerEnvironment(environment, home), keepInit: pooled.warm });
    else this.send(slot, { type: "setup", setup: bound });
  }

  /** A pooled process's output goes to this step's log files while the step has it. */
  private forwardOutput(child: ChildProcess, out: number, err: number): void {
    const write = (fd: number) => (chunk: Buffer) => {
      try {
        writeSync(fd, chunk);
      } catch {
        /* a full disk loses process output, not the run: its records are written apart */
      }
    };
    const onOut = write(out);
    const onErr = write(err);
    child.stdout?.on("data", onOut);
    child.stderr?.on("data", onErr);
    let closed = false;
    const stop = () => {
      if (closed) return;
      closed = true;
      child.stdout?.off("data", onOut);
      child.stderr?.off("data", onErr);
      this.forwarding.delete(child);
      closeSync(out);
      closeSync(err);
    };
    // Until the process ends (all its output in) or goes back to its pool.
    const onExit = () => void outputEnded(child).then(stop);
    child.once("exit", onExit);
    this.forwarding.set(child, () => {
      child.off("exit", onExit);
      stop();
    });
  }

  /**
   * A ready process at the end of the step goes back to its pool: it closes its log and segment
   * ("released") and keeps its init() state for the same runtime. False when it did not answer
   * within `graceMs` (the caller then stops it).
   */
  private async giveBack(slot: Slot, child: ChildProcess, graceMs: number): Promise<boolean> {
    const released = await new Promise<boolean>((resolve) => {
      const onMessage = (message: ChildMessage) => message.type === "released" && finish(true);
      const onExit = () => finish(false);
      const timer = setTimeout(() => finish(false), graceMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(ok);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      this.send(slot, { type: "release" });
    });
    if (!released || slot.child !== child) return false;
    slot.detach?.();
    this.forwarding.get(child)?.();
    slot.child = undefined;
    slot.ready = false;
    this.source.processEvent({
      type: "process_exited",
      where: { nodeId: this.options.nodeId, processId: slot.processId, pid: child.pid },
      code: null,
      signal: null,
      expected: true,
    });
    this.options.launcher!.release(child, this.runtime);
    return true;
  }

  private stderrPath(slot: Slot): string {
    return join(this.options.setup.logDir, "user", "stderr", String(this.options.nodeId), `${slot.processId}.stderr.txt`);
  }

  private send(slot: Slot, message: ParentMessage): void {
    const child = slot.child;
    if (child?.connected) child.send(message);
  }

  private onMessage(slot: Slot, child: ChildProcess, message: ChildMessage): void {
    if (slot.child !== child) return;
    switch (message.type) {
      case "ready":
        // Too late: init_timeout already stopped it.
        if (slot.stopping) return;
        slot.ready = true;
        slot.initFailures = 0;
        slot.killsBeforeReady = 0;
        this.source.processEvent({ type: "process_ready", where: this.where(slot) });
        this.fill(slot);
        return;
      case "init_failed":
        this.initFailed(slot, message.error);
        slot.stopping = true;
        child.kill("SIGKILL");
        return;
      case "result": {
        const head = slot.queue[0];
        if (!head || head.idx !== message.idx || head.attempt !== message.attempt) return;
        slot.deaths = 0;
        slot.queue.shift();
        slot.headStartedAt = Date.now();
        const { type: _type, ...result } = message;
        this.source.complete(result, this.where(slot));
        this.fill(slot);
        return;
      }
      case "shutdown_done":
      case "released":
        return;
    }
  }

  /** Counts a failed init() of the slot's process; after the configured tries the slot retires. */
  private initFailed(slot: Slot, error: string, retire = false): void {
    slot.initFailures++;
    slot.failedInit = true;
    const tries = this.options.maxInitFailures ?? 2;
    slot.retired = retire || slot.initFailures >= tries;
    const detail = slot.retired && !retire ? ` (init() failed ${slot.initFailures} times in a row; no more tries)` : "";
    this.source.processEvent({ type: "process_init_failed", where: this.where(slot), error: `${error}${detail}`, retired: slot.retired });
  }

  /** A process ended without being asked to: decide whether its init() failed. */
  private unexpectedExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, overLimit?: string): void {
    slot.deaths++;
    if (slot.ready) return;
    const reason = `${describeExit(child.pid, code, signal)} before init() finished`;
    const cause = exitCause(signal, overLimit !== undefined);
    if (cause === "memory_limit") return this.initFailed(slot, `${overLimit} before init() finished`);
    if (cause === "killed_from_outside") {
      // Stopped from outside (OOM killer, operator): not a failed init(), unless it happens to
      // every start in a row (restart-policy.ts says why).
      slot.killsBeforeReady++;
      if (slot.killsBeforeReady < this.restart.maxKillsBeforeReady) return;
      this.initFailed(slot, `${reason}, ${slot.killsBeforeReady} times in a row: it was killed from outside (out of memory, or by an operator?)`, true);
      return;
    }
    // It crashed or exited while loading (bad NODE_OPTIONS in environment_variables...): like a
    // failed init(), so a process that cannot start is not started again forever.
    const stderr = tail(this.stderrPath(slot));
    this.initFailed(slot, stderr ? `${reason}: ${stderr}` : reason);
  }

  /** The memory-limit message when the process ended over process_memory_limit, else undefined. */
  private overMemoryLimit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): string | undefined {
    const limit = this.options.processMemoryLimitMb;
    if (limit === undefined) return undefined;
    if (slot.killedOverLimitMb !== undefined) return memoryLimitMessage(limit, slot.killedOverLimitMb);
    if (diedOfHeapExhaustion(code, signal, readFrom(this.stderrPath(slot), slot.stderrOffset))) return memoryLimitMessage(limit);
    return undefined;
  }

  private onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    const expected = slot.stopping;
    const overLimit = expected ? undefined : this.overMemoryLimit(slot, code, signal);
    if (!expected) this.unexpectedExit(slot, child, code, signal, overLimit);
    else if (slot.failedInit) slot.deaths++;
    slot.child = undefined;
    slot.ready = false;
    this.source.processEvent({
      type: "process_exited",
      where: { nodeId: this.options.nodeId, processId: slot.processId, pid: child.pid },
      code,
      signal,
      expected,
    });
    const head = slot.queue.shift();
    const rest = slot.queue.splice(0);
    if (head && !expected) {
      const seconds = (Date.now() - slot.headStartedAt) / 1000;
      const failure = overLimit
        ? failedTry(head, "MEMORY_LIMIT", `${overLimit} while running this mini-batch`, seconds)
        : failedTry(head, "PROCESS_DIED", `${describeExit(child.pid, code, signal)} while running this mini-batch`, 0, seconds);
      this.source.complete(failure, this.where(slot));
    } else if (head) {
      this.source.giveBack(head);
    }
    for (const a of rest) this.source.giveBack(a);
    if (!this.stopped && !slot.retired) this.respawn(slot, expected && !slot.failedInit ? 0 : restartDelayMs(this.restart, slot.deaths));
  }

  /** Starts the slot's next process, after `delayMs` (backoff after deaths in a row). */
  private respawn(slot: Slot, delayMs: number): void {
    if (delayMs <= 0) return this.spawn(slot);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!this.stopped && !slot.retired) this.spawn(slot);
    }, delayMs);
  }

  private fill(slot: Slot): void {
    if (this.stopped || !slot.ready || slot.retired) return;
    const depth = this.options.queueDepth ?? 4;
    while (slot.queue.length < depth) {
      const next = this.source.take();
      if (!next) return;
      if (slot.queue.length === 0) slot.headStartedAt = Date.now();
      slot.queue.push(next);
      this.send(slot, { type: "run", idx: next.idx, attempt: next.attempt, items: next.items });
    }
  }

  private checkTimeouts(): void {
    const now = Date.now();
    for (const slot of this.slots) {
      this.checkInitTimeout(slot, now);
      this.checkRunTimeout(slot, now);
      this.checkMemory(slot);
    }
  }

  /** A process whose resident memory is over process_memory_limit is killed; onExit reports why. */
  private checkMemory(slot: Slot): void {
    const limit = this.options.processMemoryLimitMb;
    const pid = slot.child?.pid;
    if (limit === undefined || pid === undefined || slot.stopping || slot.killedOverLimitMb !== undefined) return;
    const resident = residentMegabytes(pid);
    if (resident === undefined || resident <= limit) return;
    slot.killedOverLimitMb = resident;
    slot.child?.kill("SIGKILL");
  }

  /** A process still starting after init_timeout is stopped; its try counts as a failed init(). */
  private checkInitTimeout(slot: Slot, now: number): void {
    const child = slot.child;
    const seconds = this.options.initTimeoutSeconds ?? DEFAULT_INIT_TIMEOUT_SECONDS;
    if (!child || slot.ready || slot.stopping || now - slot.spawnedAt <= seconds * 1000) return;
    this.initFailed(slot, `init() did not finish within init_timeout (${seconds} s); the process was stopped`);
    slot.stopping = true;
    child.kill("SIGKILL");
  }

  private checkRunTimeout(slot: Slot, now: number): void {
    const limit = this.options.runInvocationTimeoutSeconds * 1000;
    const head = slot.queue[0];
    const child = slot.child;
    if (!head || !child || now - slot.headStartedAt <= limit) return;
    // Replace the process: its run() is abandoned and the mini-batch counts as a failed try.
    slot.queue.shift();
    const rest = slot.queue.splice(0);
    slot.child = undefined;
    slot.ready = false;
    child.kill("SIGKILL");
    const seconds = (now - slot.headStartedAt) / 1000;
    const error = `run() took longer than run_invocation_timeout (${this.options.runInvocationTimeoutSeconds} s); the process was replaced`;
    this.source.complete(failedTry(head, "RUN_TIMEOUT", error, seconds), this.where(slot));
    for (const a of rest) this.source.giveBack(a);
    this.source.processEvent({
      type: "process_exited",
      where: { nodeId: this.options.nodeId, processId: slot.processId, pid: child.pid },
      code: null,
      signal: "SIGKILL",
      expected: true,
    });
    if (!this.stopped) this.spawn(slot);
  }
}
