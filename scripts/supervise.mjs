// Keeps `npm start`'s processes (web server, worker pool) running independently of each other.
import { spawn } from "node:child_process";

/**
 * Starts every child and restarts one that exits, after a backoff that doubles from
 * `minBackoffMs` to `maxBackoffMs` and returns to `minBackoffMs` once the child has stayed up for
 * `stableAfterMs`; each restart is logged. The other children are left alone. `stop()` ends them
 * all: SIGTERM, then SIGKILL after `graceMs`.
 *
 * @param {{ name: string, command: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv,
 *   stdio?: import("node:child_process").StdioOptions,
 *   onStart?: (child: import("node:child_process").ChildProcess) => void }[]} specs
 * @param {{ log?: (line: string) => void, minBackoffMs?: number, maxBackoffMs?: number,
 *   stableAfterMs?: number, graceMs?: number }} [options]
 */
export function supervise(specs, options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const minBackoffMs = options.minBackoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const graceMs = options.graceMs ?? 5000;
  let stopping = false;
  const managed = specs.map((spec) => ({ spec, child: undefined, backoff: minBackoffMs, startedAt: 0, timer: undefined, restarts: 0 }));

  const exited = (m, how) => {
    if (stopping) return;
    if (Date.now() - m.startedAt >= stableAfterMs) m.backoff = minBackoffMs;
    const delay = m.backoff;
    m.backoff = Math.min(m.backoff * 2, maxBackoffMs);
    m.restarts++;
    log(`${m.spec.name} ${how}; restarting it in ${(delay / 1000).toFixed(1)} s (restart ${m.restarts})`);
    m.timer = setTimeout(() => start(m), delay);
  };

  const start = (m) => {
    if (stopping) return;
    m.startedAt = Date.now();
    const child = spawn(m.spec.command, m.spec.args, { cwd: m.spec.cwd, env: m.spec.env, stdio: m.spec.stdio ?? "inherit" });
    m.child = child;
    let ended = false;
    const end = (how) => {
      if (ended) return;
      ended = true;
      exited(m, how);
    };
    child.once("error", (error) => end(`could not be started (${error.message})`));
    child.once("exit", (code, signal) => end(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    m.spec.onStart?.(child);
  };

  managed.forEach(start);

  return {
    /** The current process of the named child (a new one after each restart). */
    child(name) {
      return managed.find((m) => m.spec.name === name)?.child;
    },
    restarts(name) {
      return managed.find((m) => m.spec.name === name)?.restarts ?? 0;
    },
    async stop() {
      stopping = true;
      await Promise.all(
        managed.map(async (m) => {
          clearTimeout(m.timer);
          const child = m.child;
          if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
          const gone = new Promise((resolve) => child.once("exit", resolve));
          child.kill("SIGTERM");
          const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
          await gone;
          clearTimeout(kill);
        }),
      );
    },
  };
}
