import { z } from "zod";
import { ComputeTarget } from "../contracts/parallel-run-config";
import { misconfigured } from "../errors";

/**
 * What an agent runs with: its own flags and environment, never the studio's (an agent has no
 * database and no data folder). Validated once by the `prs agent` entry point.
 */
const AgentEnvSchema = z.object({
  REDIS_URL: z.string({ error: "REDIS_URL is required: the Redis the studio dispatches through (redis://host:6379)" }).regex(/^rediss?:\/\//, {
    error: "REDIS_URL must start with redis:// or rediss://",
  }),
  PRS_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default("prs"),
  PRS_AGENT_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
  PRS_TOKEN: z.string().optional(),
  PRS_AGENT_SECRET: z.string().optional(),
});

export interface AgentSettings {
  pool: string;
  server: string;
  token: string;
  redisUrl: string;
  queuePrefix: string;
  lockMs: number;
  processes?: number;
  workDir: string;
}

export function agentSettings(
  flags: { pool?: string; server?: string; processes?: string; workDir: string },
  env: Record<string, string | undefined>,
): AgentSettings {
  if (!flags.pool) throw misconfigured("prs agent needs --pool <name>: the agent pool a step names as its compute_target.");
  const pool = ComputeTarget.safeParse(flags.pool);
  if (!pool.success || flags.pool === "local")
    throw misconfigured(`--pool '${flags.pool}' is not a pool name: letters, digits, '-' and '_' (and not 'local').`);
  if (!flags.server) throw misconfigured("prs agent needs --server <studio url> (such as https://studio.example.com): scripts and models are fetched from it.");
  let server: URL;
  try {
    server = new URL(flags.server);
  } catch {
    throw misconfigured(`--server '${flags.server}' is not a URL: give the studio's address, such as https://studio.example.com.`);
  }
  const parsed = AgentEnvSchema.safeParse(env);
  if (!parsed.success) throw misconfigured(`Invalid agent environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`);
  const token = parsed.data.PRS_TOKEN || parsed.data.PRS_AGENT_SECRET;
  if (!token)
    throw misconfigured(
      "Set PRS_TOKEN (an API token of the studio) or PRS_AGENT_SECRET (the studio's agent secret): the agent sends it to fetch scripts and models.",
    );
  const processes = flags.processes === undefined ? undefined : Number(flags.processes);
  if (processes !== undefined && (!Number.isInteger(processes) || processes < 1 || processes > 256)) {
    throw misconfigured(`--processes '${flags.processes}' must be a whole number from 1 to 256.`);
  }
  return {
    pool: pool.data,
    server: server.origin,
    token,
    redisUrl: parsed.data.REDIS_URL,
    queuePrefix: parsed.data.PRS_QUEUE_PREFIX,
    lockMs: parsed.data.PRS_AGENT_LOCK_MS,
    processes,
    workDir: flags.workDir,
  };
}
