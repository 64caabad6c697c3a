import { readFileSync } from "node:fs";

/**
 * process_memory_limit, enforced twice:
 * - the V8 heap through `--max-old-space-size` in the worker's execArgv: V8 collects harder as it
 *   nears the limit and aborts with "JavaScript heap out of memory" past it;
 * - the whole process (native allocations too: onnxruntime sessions, Buffers, decoded images) by
 *   the agent reading the worker's resident memory (VmRSS in /proc/<pid>/status) on every tick
 *   and killing it once it is over the limit.
 * An address-space limit (`prlimit --as`, RLIMIT_AS) is not used: V8 and onnxruntime reserve far
 * more virtual memory than they touch, so any useful limit would stop them at start-up. Without
 * /proc (not Linux) only the heap limit applies. Processes a script starts itself are not counted.
 */

/** The worker's node flags for a limit in MB (none when there is no limit). */
export function memoryLimitExecArgv(limitMb: number | undefined): string[] {
  return limitMb === undefined ? [] : [`--max-old-space-size=${limitMb}`];
}

/** What a mini-batch's try (or a failed init()) says when its process went over the limit. */
export function memoryLimitMessage(limitMb: number, residentMb?: number): string {
  const seen = residentMb === undefined ? "its JavaScript heap ran out" : `it was using ${residentMb} MB`;
  return `process exceeded its memory limit of ${limitMb} MB (${seen}) and was stopped`;
}

/** Resident memory of a process in MB, or undefined when it cannot be read (gone, or no /proc). */
export function residentMegabytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a worker ended because its V8 heap ran out: node prints "JavaScript heap out of memory"
 * and aborts (SIGABRT, or exit code 134 when a shell reports it). `stderrSince` is what the
 * process wrote to stderr (only this process: the file is shared with earlier ones of its slot).
 */
export function diedOfHeapExhaustion(code: number | null, signal: string | null, stderrSince: string): boolean {
  const aborted = signal === "SIGABRT" || code === 134;
  return aborted && /JavaScript heap out of memory|Reached heap limit/.test(stderrSince);
}
