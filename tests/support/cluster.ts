import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { ClusterDeps } from "../../lib/cluster/dispatch";
import { agentFileResponse, isAgentSecret } from "../../lib/cluster/file-route";
import { ClusterKeys } from "../../lib/cluster/keys";
import { openRedis } from "../../lib/cluster/redis";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prsBin = fileURLToPath(new URL("../../bin/prs.mjs", import.meta.url));

/** Whether the Redis the suite uses answers; cluster tests skip with this reason when not. */
export async function redisUnavailable(): Promise<string | false> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
    return false;
  } catch (error) {
    return `Redis at ${REDIS_URL} is not reachable (${(error as Error).message}): multi-machine tests skipped`;
  } finally {
    probe.disconnect();
  }
}

/** A fresh key prefix on the test Redis, and the orchestrator's connection; cleanup deletes its keys. */
export function makeCluster(url = REDIS_URL): ClusterDeps & { prefix: string; url: string; cleanup(): Promise<void> } {
  const prefix = `prs-test-${process.pid}-${randomBytes(4).toString("hex")}`;
  const redis = openRedis(url, "prs-test-orchestrator");
  return {
    redis,
    keys: new ClusterKeys(prefix),
    prefix,
    url,
    async cleanup() {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      await redis.quit();
    },
  };
}

/**
 * The studio's agent file route (lib/cluster/file-route.ts, as app/api/agent/files/[sha256]
 * serves it) on plain node:http, so agent tests need no Next build.
 */
export async function startFileServer(cluster: ClusterDeps, secret: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const sha = /^\/api\/agent\/files\/([^/?]+)/.exec(req.url ?? "")?.[1];
    if (!sha || !isAgentSecret(req.headers.authorization ?? null, secret)) {
      res.statusCode = sha ? 401 : 404;
      res.end();
      return;
    }
    agentFileResponse(cluster, sha).then(
      async (response) => {
        res.statusCode = response.status;
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      (error: Error) => {
        res.statusCode = 404;
        res.end(error.message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  /** Its own temporary working folder (its cwd): nothing else is shared with the studio. */
  dir: string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** `prs agent` as a separate process, in its own temporary folder. */
export function startAgent(options: {
  pool: string;
  server: string;
  prefix: string;
  secret: string;
  processes?: number;
  lockMs?: number;
  redisUrl?: string;
}): AgentProcess {
  const dir = mkdtempSync(join(tmpdir(), "prs-agent-"));
  const child = spawn(
    process.execPath,
    [prsBin, "agent", "--pool", options.pool, "--server", options.server, "--processes", String(options.processes ?? 2), "--work-dir", join(dir, "work")],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        REDIS_URL: options.redisUrl ?? REDIS_URL,
        PRS_QUEUE_PREFIX: options.prefix,
        PRS_AGENT_SECRET: options.secret,
        PRS_AGENT_LOCK_MS: String(options.lockMs ?? 3000),
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    dir,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!process.env.PRS_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private redis-server (never the shared one): killed and started again on the same port by outage tests. */
export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL: no save, clients see the connection drop. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (empty unless `appendonly`: then it reloads its AOF). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisServer(options: { appendonly?: boolean } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "prs-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = "";
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", options.appendonly ? "yes" : "no", "--dir", dir];
    if (options.appendonly) args.push("--appendfsync", "always");
    const c = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    child = c;
    c.stdout?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    c.stderr?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`redis-server on port ${port} exited: ${log.slice(-500)}`);
      const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => {});
      const ok = await probe
        .connect()
        .then(() => probe.ping())
        .then(
          () => true,
          () => false,
        );
      probe.disconnect();
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer: ${log.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
