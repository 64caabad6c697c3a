/**
 * The web side of `npm run bench -- --files N`: the real Next server (`next start`, as `npm start`
 * runs it) on the benchmark's data folder, GET /api/runs latencies sampled while a run goes on,
 * and the run's SSE stream (/api/runs/{id}/events) counted.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readSse } from "../../lib/http/sse";

export interface WebServer {
  origin: string;
  stop(): Promise<void>;
}

/** Builds the app into `dist` if it has no build yet, then starts `next start` and waits for /api/health. */
export async function startWebServer(root: string, env: Record<string, string>, port: number, dist: string, log: (line: string) => void): Promise<WebServer> {
  const next = join(root, "node_modules", "next", "dist", "bin", "next");
  const fullEnv = {
    ...process.env,
    ...env,
    PRS_NEXT_DIST: dist,
    NEXT_TELEMETRY_DISABLED: "1",
    PRS_LARGE_DIGITS_SAMPLE: "off",
    HOST: "127.0.0.1",
    PORT: String(port),
  };
  if (!existsSync(join(root, dist, "BUILD_ID"))) {
    log(`building the web app into ${dist} (no build there yet; a few minutes)`);
    const built = spawnSync(process.execPath, [next, "build"], { cwd: root, env: fullEnv, stdio: "inherit" });
    if (built.status !== 0) throw new Error(`next build into ${dist} failed (exit ${built.status ?? built.signal})`);
  }
  const child: ChildProcess = spawn(process.execPath, [next, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: fullEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.stderr?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${origin}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`next start did not answer /api/health on port ${port} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    origin,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export interface WebFigures {
  /** GET /api/runs latencies, ms. */
  latencies: number[];
  /** SSE messages received on the run's events stream. */
  sseEvents: number;
  /** Seconds the SSE stream was open. */
  sseSeconds: number;
}

/**
 * Samples GET /api/runs (one request at a time, `gapMs` apart) and follows the run's SSE stream
 * until stop() is called.
 */
export function watchRun(origin: string, token: string, gapMs = 100): { follow(runId: string): void; stop(): Promise<WebFigures> } {
  const headers = { authorization: `Bearer ${token}` };
  const latencies: number[] = [];
  let stopped = false;
  const abort = new AbortController();
  const poller = (async () => {
    while (!stopped) {
      const start = performance.now();
      const res = await fetch(`${origin}/api/runs`, { headers });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`GET /api/runs answered ${res.status}`);
      latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  let sseEvents = 0;
  let sseStart = 0;
  let sse: Promise<void> = Promise.resolve();
  return {
    follow(runId: string) {
      sseStart = performance.now();
      sse = (async () => {
        const res = await fetch(`${origin}/api/runs/${runId}/events`, { headers, signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`GET /api/runs/${runId}/events answered ${res.status}`);
        for await (const _message of readSse(res.body)) sseEvents++;
      })().catch((error: unknown) => {
        if (!abort.signal.aborted) throw error;
      });
    },
    async stop() {
      stopped = true;
      const sseSeconds = sseStart ? (performance.now() - sseStart) / 1000 : 0;
      abort.abort();
      await Promise.all([poller, sse]);
      return { latencies, sseEvents, sseSeconds };
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
