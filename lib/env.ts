import { availableParallelism } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { z } from "zod";
import { misconfigured } from "./errors";

/**
 * The process environment, validated once. Modules take settings as arguments; only entry points
 * (server, worker pool, CLI, scripts) call `loadEnv()`.
 */
const EnvSchema = z.object({
  PRS_DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.string().optional(),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PRS_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).max(256).optional(),
  PRS_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).optional(),
  PRS_PUBLIC_URL: z.string().optional(),
  PRS_LOCAL_ROOTS: z.string().optional(),
  PRS_SECRET_KEY: z.string().optional(),
  PRS_ENVIRONMENT_CACHE_MB: z.coerce.number().int().min(100).max(10_000_000).default(10_240),
  PRS_WORKER_USER: z.string().optional(),
  PRS_WARM_PROCESSES: z.coerce.number().int().min(0).max(256).optional(),
  PRS_WARM_IDLE_SECONDS: z.coerce.number().min(0).max(86_400).optional(),
  REDIS_URL: z.string().optional(),
  PRS_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, "use 1 to 40 letters, digits, '-' or '_'")
    .default("prs"),
  PRS_AGENT_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
  PRS_AGENT_SECRET: z.string().optional(),
});

export interface AppEnv {
  dataDir: string;
  databaseUrl: string;
  host: string;
  port: number;
  /** Runs one worker pool executes at once; default: the machine's cores. */
  maxConcurrentRuns?: number;
  /** A running run whose orchestrator has not renewed its lease for this long is taken over. */
  leaseMs?: number;
  /** PRS_PUBLIC_URL as an origin ("https://studio.example.com"): the address the studio is served under. */
  publicOrigin?: string;
  /** Folders local datastores may point into: PRS_LOCAL_ROOTS, and always the data folder's datastore area. */
  localRoots: string[];
  /** PRS_SECRET_KEY (base64, 32 bytes); without it the key lives in the data folder's secret.key. */
  secretKey?: string;
  /** Size built environments (<data>/environments) are kept under: the least recently used go first. */
  environmentCacheBytes: number;
  /** PRS_WORKER_USER: who entry scripts run as when the studio is root (default nobody; empty or `same`: the studio's user). */
  workerUser?: string;
  /** PRS_WARM_PROCESSES: worker processes the pool keeps booted before any submit (default: the machine's cores; 0: none). */
  warmProcesses: number;
  /** PRS_WARM_IDLE_SECONDS: a warm process that served a step and stays idle this long is shut down (default 600). */
  warmIdleSeconds: number;
  /** REDIS_URL: set, steps with a compute_target other than `local` run on agents (PostgreSQL required). */
  cluster?: ClusterEnv;
}

/** The multi-machine mode: BullMQ on Redis, state in PostgreSQL. */
export interface ClusterEnv {
  redisUrl: string;
  /** Prefix of every Redis key (PRS_QUEUE_PREFIX), so studios can share one Redis. */
  queuePrefix: string;
  /** How long an agent holds a mini-batch without renewing its lock before it is retried elsewhere. */
  lockMs: number;
  /** PRS_AGENT_SECRET: what agents send as `Authorization: Bearer` to fetch scripts and models. */
  agentSecret?: string;
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): AppEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw misconfigured(`Invalid environment: ${problems}.`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.PRS_DATA_DIR);
  const databaseUrl = env.DATABASE_URL ?? defaultDatabaseUrl(dataDir);
  return {
    dataDir,
    databaseUrl,
    host: env.HOST,
    port: env.PORT,
    maxConcurrentRuns: env.PRS_MAX_CONCURRENT_RUNS ?? availableParallelism(),
    leaseMs: env.PRS_LEASE_MS,
    publicOrigin: env.PRS_PUBLIC_URL ? publicOriginOf(env.PRS_PUBLIC_URL) : undefined,
    localRoots: localRootsOf(env.PRS_LOCAL_ROOTS, dataDir),
    secretKey: env.PRS_SECRET_KEY || undefined,
    environmentCacheBytes: env.PRS_ENVIRONMENT_CACHE_MB * 1024 * 1024,
    workerUser: env.PRS_WORKER_USER,
    warmProcesses: env.PRS_WARM_PROCESSES ?? availableParallelism(),
    warmIdleSeconds: env.PRS_WARM_IDLE_SECONDS ?? 600,
    cluster: env.REDIS_URL ? clusterEnvOf(env.REDIS_URL, databaseUrl, env.PRS_QUEUE_PREFIX, env.PRS_AGENT_LOCK_MS, env.PRS_AGENT_SECRET) : undefined,
  };
}

/**
 * REDIS_URL turns on agents. Their state lives in the database every studio instance shares, so
 * SQLite (one machine's file) is refused here, before anything starts.
 */
function clusterEnvOf(redisUrl: string, databaseUrl: string, queuePrefix: string, lockMs: number, agentSecret?: string): ClusterEnv {
  if (!/^rediss?:\/\//.test(redisUrl)) {
    throw misconfigured(`REDIS_URL '${redisUrl.replace(/\/\/[^@]*@/, "//***@").slice(0, 200)}' must start with redis:// or rediss://.`);
  }
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw misconfigured(
      "REDIS_URL is set, which runs steps on agents of other machines, but the database is SQLite: set DATABASE_URL to a PostgreSQL database (postgresql://user@host:5432/studio) that every studio instance reaches, or unset REDIS_URL to run everything on this machine.",
    );
  }
  if (agentSecret !== undefined && agentSecret.length < 16) throw misconfigured("PRS_AGENT_SECRET must be at least 16 characters (use: openssl rand -hex 32).");
  return { redisUrl, queuePrefix, lockMs, agentSecret: agentSecret || undefined };
}

/** The data folder's datastore area: the default `workspace` datastore, always an allowed local root. */
export function defaultDatastoreRoot(dataDir: string): string {
  return join(dataDir, "datastore");
}

function localRootsOf(list: string | undefined, dataDir: string): string[] {
  const given = (list ?? "").split(delimiter).filter((folder) => folder.trim() !== "");
  return [...new Set([defaultDatastoreRoot(dataDir), ...given.map((folder) => resolve(folder))])];
}

/**
 * PRS_PUBLIC_URL's origin. The studio is served at the root of its host (a reverse proxy may not
 * move it under a path), so anything past the origin is refused rather than ignored.
 */
export function publicOriginOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw misconfigured(
      `PRS_PUBLIC_URL '${value.slice(0, 200)}' is not a URL: set it to the address the studio is served under, such as https://studio.example.com.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw misconfigured(`PRS_PUBLIC_URL '${value.slice(0, 200)}' must start with https:// (or http://).`);
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/")
    throw misconfigured(
      `PRS_PUBLIC_URL '${value.slice(0, 200)}' must be only scheme, host and port (the studio is served at the root of its host), such as ${url.origin}.`,
    );
  return url.origin;
}

/** The SQLite database in the data folder, used when DATABASE_URL is not set. */
export function defaultDatabaseUrl(dataDir: string): string {
  return `file:${resolve(dataDir, "studio.db")}`;
}
