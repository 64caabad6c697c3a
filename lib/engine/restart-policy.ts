/**
 * How a node agent tells apart the ways a worker process ends, and how soon it starts another.
 *
 * - init() threw, the process exited with a code, or crashed on a signal it raised itself
 *   (SIGSEGV, SIGABRT: also node's own "heap out of memory") before it was ready, or init() did
 *   not finish within init_timeout: an init failure. These count; after the configured tries the
 *   process slot is retired, and when every slot is retired the step fails.
 * - Killed by a signal that comes from outside (SIGKILL from the kernel's OOM killer or an
 *   operator, SIGTERM, SIGINT, SIGHUP): not the script failing. The process is started again
 *   after a backoff and no init failure is counted.
 * - Over process_memory_limit (the agent killed it, or its V8 heap ran out: memory-limit.ts): the
 *   script failing, never an outside kill, whatever the signal. A try of the mini-batch it ran, or
 *   a failed init(), saying "process exceeded its memory limit of N MB".
 */

export interface RestartPolicy {
  /** First restart delay after a process died; doubles with every death in a row. */
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * Outside kills before init() finished, in a row, after which the slot is retired all the
   * same. A process cannot tell an outside SIGKILL from one it raised itself, and an init()
   * that the OOM killer stops every time (a model too large for the machine) would otherwise
   * restart forever. With the default backoff, 10 kills in a row take about 45 s.
   */
  maxKillsBeforeReady: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 250, maxDelayMs: 10_000, maxKillsBeforeReady: 10 };

const OUTSIDE_SIGNALS = new Set(["SIGKILL", "SIGTERM", "SIGINT", "SIGHUP"]);

/** Whether a process that ended on this signal was stopped from outside rather than crashing. */
export function killedFromOutside(signal: string | null): boolean {
  return signal !== null && OUTSIDE_SIGNALS.has(signal);
}

/** Why a worker process ended without being asked to. */
export type ExitCause = "memory_limit" | "killed_from_outside" | "crashed";

/** A process over its memory limit ended by the agent's SIGKILL or V8's abort: the limit, not an outside kill. */
export function exitCause(signal: string | null, overMemoryLimit: boolean): ExitCause {
  if (overMemoryLimit) return "memory_limit";
  return killedFromOutside(signal) ? "killed_from_outside" : "crashed";
}

/** Delay before the next start, after `deaths` deaths in a row (1 = the first). */
export function restartDelayMs(policy: RestartPolicy, deaths: number): number {
  if (deaths <= 0) return 0;
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(deaths - 1, 30));
}

export function describeExit(pid: number | undefined, code: number | null, signal: string | null): string {
  return `worker process ${pid ?? "?"} exited (${signal ? `signal ${signal}` : `code ${code}`})`;
}
