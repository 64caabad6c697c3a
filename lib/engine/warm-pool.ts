/**
 * A pool of warm worker processes: booted before any submit (runtime loaded, onnxruntime
 * imported), taken by a step instead of forking, and given back when the step ends.
 *
 * Two keys decide which process may serve which step:
 * - the boot key (BootProfile): what a process is started with and cannot change later (runtime
 *   module, node flags such as process_memory_limit's heap limit, the variables node reads at
 *   start, the user it runs as). Only processes started the same way are interchangeable.
 * - the runtime identity (runtimeIdentity): what the step loads into it (entry script content or
 *   scorer + model version + settings, environment variables, arguments, environment). A process
 *   that ran init() for one runtime keeps that state only for the same runtime: any other step
 *   gets a fresh process (never set up) or a new one, so code of one pipeline never runs in a
 *   process that served another.
 *
 * The pool is a unit of its own (it knows nothing of runs, steps or the database): the embedded
 * worker pool holds one (workers/pool.ts), and a remote agent process can host one the same way.
 * A process that dies, is killed or is not given back is forgotten and, for the default profile,
 * replaced; a set-up process idle for `idleMs` is shut down (its script's shutdown() runs).
 */
import { type ChildProcess, fork } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { workerEnvironment } from "./child-env";
import type { ParentMessage } from "./protocol";
import { workerRuntime } from "./runtime";

export interface BootProfile {
  /** The worker runtime module (runtime.ts) and node flags (plus the memory limit's heap flag). */
  module: string;
  execArgv: string[];
  /** Variables node reads when it starts (NODE_OPTIONS, UV_THREADPOOL_SIZE...) from the step's environment. */
  startEnv: Record<string, string>;
  uid?: number;
  gid?: number;
}

/** Names of environment variables that only take effect when a process starts. */
export const START_ENV_NAME = /^(NODE_|UV_)/;

/** The part of a step's environment a process must be started with (the rest is applied at setup). */
export function startEnvironment(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).filter(([name]) => START_ENV_NAME.test(name)));
}

export function bootKey(profile: BootProfile): string {
  const env = Object.entries(profile.startEnv).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([profile.module, profile.execArgv, env, profile.uid ?? null, profile.gid ?? null]);
}

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, stable(v)]));
  }
  return value;
}

/**
 * The identity of a step runtime: a hash of everything that decides what code runs in a process
 * and what its init() sees that a later run cannot change (the entry's content hash, settings,
 * environment variables, arguments, side inputs, the environment's hash...). Equal identities may
 * share a process's init() state; anything else never does.
 */
export function runtimeIdentity(parts: Record<string, unknown>): string {
  return createHash("sha256")
    .update(JSON.stringify(stable(parts)))
    .digest("hex");
}

export interface LaunchedProcess {
  child: ChildProcess;
  /** It already ran init() for this very runtime: setup only binds it to the new run. */
  warm: boolean;
  /** Its stdout and stderr are pipes: the owner forwards them into the step's logs. */
  piped: boolean;
}

/** Where an agent gets worker processes from, and gives healthy ones back to. */
export interface ProcessLauncher {
  /** A booted process for this profile: one set up for `runtime` (warm), a fresh one, or a new one. */
  acquire(profile: BootProfile, runtime: string): LaunchedProcess;
  /** A process that ended its step healthy and released (its log and output closed) comes back. */
  release(child: ChildProcess, runtime: string): void;
}

export interface WarmPoolOptions {
  /** Fresh processes kept booted for the default profile. */
  size: number;
  /** The most set-up processes kept idle (the least recently used go first); default `size`. */
  maxSetUp?: number;
  /** A set-up process idle this long is shut down. */
  idleMs: number;
  defaultProfile: BootProfile;
  /** HOME of processes before a step sets them up. */
  home: string;
  log?: (line: string) => void;
}

interface Pooled {
  child: ChildProcess;
  key: string;
  /** The runtime whose init() it ran; undefined while fresh. */
  runtime?: string;
  idleTimer?: NodeJS.Timeout;
}

const discard = () => {};

export function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.connected;
}

export class WarmPool implements ProcessLauncher {
  private readonly idle: Pooled[] = [];
  private readonly busy = new Map<ChildProcess, Pooled>();
  private readonly defaultKey: string;
  private closed = false;
  private refillScheduled = false;
  /** Processes booted so far (for figures and tests). */
  booted = 0;

  constructor(private readonly options: WarmPoolOptions) {
    this.defaultKey = bootKey(options.defaultProfile);
    mkdirSync(options.home, { recursive: true });
  }

  /** Boots the fresh processes (call once the caller is ready to hold them). */
  start(): void {
    this.refill();
  }

  acquire(profile: BootProfile, runtime: string): LaunchedProcess {
    if (this.closed) throw new Error("the warm process pool is closed");
    const key = bootKey(profile);
    let index = this.idle.findIndex((p) => p.key === key && p.runtime === runtime && isAlive(p.child));
    const warm = index >= 0;
    if (index < 0) index = this.idle.findIndex((p) => p.key === key && p.runtime === undefined && isAlive(p.child));
    let pooled: Pooled;
    if (index >= 0) {
      pooled = this.idle.splice(index, 1)[0]!;
      clearTimeout(pooled.idleTimer);
      pooled.idleTimer = undefined;
      pooled.child.stdout?.off("data", discard);
      pooled.child.stderr?.off("data", discard);
    } else {
      pooled = this.boot(profile, key);
    }
    // From here on it belongs to `runtime`, whatever happens: it never goes back fresh.
    pooled.runtime = runtime;
    this.busy.set(pooled.child, pooled);
    return { child: pooled.child, warm, piped: true };
  }

  release(child: ChildProcess, runtime: string): void {
    const pooled = this.busy.get(child);
    if (!pooled) return;
    this.busy.delete(child);
    if (this.closed || !isAlive(child) || pooled.runtime !== runtime) {
      this.shutdown(pooled);
      return;
    }
    this.drain(pooled);
    pooled.idleTimer = setTimeout(() => this.retire(pooled), this.options.idleMs);
    pooled.idleTimer.unref();
    this.idle.push(pooled);
    // Only the most recently used set-up processes stay: the oldest beyond maxSetUp go now.
    const setUp = this.idle.filter((p) => p.runtime !== undefined);
    for (const old of setUp.slice(0, Math.max(0, setUp.length - (this.options.maxSetUp ?? this.options.size)))) this.retire(old);
    this.scheduleRefill();
  }

  /** What the pool holds now: fresh and set-up idle processes, and those lent to steps. */
  state(): { fresh: number[]; setUp: { pid: number; runtime: string }[]; busy: number[] } {
    const pid = (p: Pooled) => p.child.pid ?? -1;
    return {
      fresh: this.idle.filter((p) => p.runtime === undefined).map(pid),
      setUp: this.idle.filter((p) => p.runtime !== undefined).map((p) => ({ pid: pid(p), runtime: p.runtime! })),
      busy: [...this.busy.values()].map(pid),
    };
  }

  /** Shuts every idle process down (set-up ones run their script's shutdown()); lent ones end with their step. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((p) => this.shutdown(p)));
  }

  private boot(profile: BootProfile, key: string): Pooled {
    const child = fork(profile.module, ["--warm"], {
      execArgv: profile.execArgv,
      // Next.js types declare NODE_ENV as always set; a worker gets it only when the studio has it.
      env: workerEnvironment(profile.startEnv, this.options.home) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      ...(profile.uid !== undefined ? { uid: profile.uid, gid: profile.gid } : {}),
    });
    this.booted++;
    const pooled: Pooled = { child, key };
    child.on("error", discard); // reported through "exit"
    child.once("exit", () => this.gone(pooled));
    this.drain(pooled);
    return pooled;
  }

  /** Output of a process nobody owns is read and dropped, so its pipes never fill. */
  private drain(pooled: Pooled): void {
    pooled.child.stdout?.on("data", discard);
    pooled.child.stderr?.on("data", discard);
  }

  /** A process ended (crashed, killed, shut down): forgotten, and the fresh processes topped up. */
  private gone(pooled: Pooled): void {
    clearTimeout(pooled.idleTimer);
    const index = this.idle.indexOf(pooled);
    if (index >= 0) this.idle.splice(index, 1);
    this.busy.delete(pooled.child);
    this.scheduleRefill();
  }

  private retire(pooled: Pooled): void {
    const index = this.idle.indexOf(pooled);
    if (index >= 0) this.idle.splice(index, 1);
    void this.shutdown(pooled);
  }

  /** Asks a process to run shutdown() and exit; one that does not within 10 s is killed. */
  private shutdown(pooled: Pooled): Promise<void> {
    clearTimeout(pooled.idleTimer);
    const child = pooled.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    if (child.connected) child.send({ type: "shutdown" } satisfies ParentMessage);
    else child.kill("SIGKILL");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    timer.unref();
    return exited.finally(() => clearTimeout(timer));
  }

  private scheduleRefill(): void {
    if (this.refillScheduled || this.closed) return;
    this.refillScheduled = true;
    setImmediate(() => {
      this.refillScheduled = false;
      this.refill();
    });
  }

  /** Boots fresh default processes until `size` of them wait. */
  private refill(): void {
    if (this.closed) return;
    const fresh = this.idle.filter((p) => p.runtime === undefined && p.key === this.defaultKey && isAlive(p.child)).length;
    for (let i = fresh; i < this.options.size; i++) this.idle.push(this.boot(this.options.defaultProfile, this.defaultKey));
  }
}

/**
 * The worker runtime's warm pool as `prs worker` holds it (the benchmarks' orchestrators too):
 * `size` fresh processes of the runtime's default profile, booted now, run as `user` when given;
 * undefined when `size` is 0 (every step forks its own processes).
 */
export function startRuntimeWarmPool(options: { size: number; idleMs: number; home: string; user?: { uid: number; gid: number } }): WarmPool | undefined {
  if (options.size <= 0) return undefined;
  const runtime = workerRuntime();
  const { user } = options;
  const pool = new WarmPool({
    size: options.size,
    idleMs: options.idleMs,
    home: options.home,
    defaultProfile: { module: runtime.module, execArgv: runtime.execArgv, startEnv: {}, ...(user ? { uid: user.uid, gid: user.gid } : {}) },
  });
  pool.start();
  return pool;
}
