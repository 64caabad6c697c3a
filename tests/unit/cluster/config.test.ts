import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { agentSettings } from "../../../lib/cluster/agent-env";
import { jobIdOf, priorityOf, stepKeyOf } from "../../../lib/cluster/dispatch";
import { ParallelRunConfig } from "../../../lib/contracts/parallel-run-config";
import { loadEnv } from "../../../lib/env";

const env = (extra: Record<string, string>) => ({ PRS_DATA_DIR: "/tmp/prs-config-test", ...extra }) as unknown as NodeJS.ProcessEnv;

describe("multi-machine configuration", () => {
  test("without REDIS_URL the embedded mode has no cluster settings", () => {
    assert.equal(loadEnv(env({})).cluster, undefined);
  });

  test("REDIS_URL with SQLite is a configuration error naming DATABASE_URL", () => {
    assert.throws(() => loadEnv(env({ REDIS_URL: "redis://127.0.0.1:6379" })), /REDIS_URL is set.*the database is SQLite: set DATABASE_URL to a PostgreSQL/);
  });

  test("REDIS_URL with PostgreSQL: prefix, lock and secret are read", () => {
    const cluster = loadEnv(
      env({
        REDIS_URL: "redis://127.0.0.1:6379",
        DATABASE_URL: "postgresql://root@127.0.0.1:5432/studio",
        PRS_QUEUE_PREFIX: "studio-a",
        PRS_AGENT_LOCK_MS: "15000",
        PRS_AGENT_SECRET: "0123456789abcdef0123",
      }),
    ).cluster;
    assert.deepEqual(cluster, { redisUrl: "redis://127.0.0.1:6379", queuePrefix: "studio-a", lockMs: 15000, agentSecret: "0123456789abcdef0123" });
  });

  test("a bad REDIS_URL, prefix or short agent secret is refused with a sentence, the password hidden", () => {
    const pg = { DATABASE_URL: "postgresql://root@127.0.0.1:5432/studio" };
    assert.throws(
      () => loadEnv(env({ ...pg, REDIS_URL: "http://user:hunter2@host:6379" })),
      (e: Error) => /must start with redis:\/\//.test(e.message) && !e.message.includes("hunter2"),
    );
    assert.throws(() => loadEnv(env({ ...pg, REDIS_URL: "redis://h", PRS_QUEUE_PREFIX: "a:b" })), /PRS_QUEUE_PREFIX/);
    assert.throws(() => loadEnv(env({ ...pg, REDIS_URL: "redis://h", PRS_AGENT_SECRET: "short" })), /at least 16 characters/);
  });

  test("compute_target is local or a pool name", () => {
    const base = { errorThreshold: 0, outputAction: "append_row" };
    assert.equal(ParallelRunConfig.parse({ ...base, compute_target: "gpu-pool" }).computeTarget, "gpu-pool");
    assert.throws(() => ParallelRunConfig.parse({ ...base, compute_target: "gpu pool!" }), /compute_target must be 'local' or an agent pool name/);
  });

  test("prs agent: pool, server and a token are required, each with its own sentence", () => {
    const ok = { REDIS_URL: "redis://127.0.0.1:6379", PRS_AGENT_SECRET: "x".repeat(20) };
    assert.throws(() => agentSettings({ server: "http://s", workDir: "/w" }, ok), /needs --pool/);
    assert.throws(() => agentSettings({ pool: "local", server: "http://s", workDir: "/w" }, ok), /not a pool name/);
    assert.throws(() => agentSettings({ pool: "gpu", workDir: "/w" }, ok), /needs --server/);
    assert.throws(() => agentSettings({ pool: "gpu", server: "not a url", workDir: "/w" }, ok), /is not a URL/);
    assert.throws(() => agentSettings({ pool: "gpu", server: "http://s", workDir: "/w" }, { REDIS_URL: "redis://h" }), /PRS_TOKEN/);
    assert.throws(() => agentSettings({ pool: "gpu", server: "http://s", workDir: "/w" }, { PRS_TOKEN: "t" }), /REDIS_URL/);
    const settings = agentSettings({ pool: "gpu", server: "https://studio.example.com/", processes: "3", workDir: "/w" }, { ...ok, PRS_TOKEN: "prs_token" });
    assert.equal(settings.token, "prs_token", "an API token wins over the shared secret");
    assert.equal(settings.server, "https://studio.example.com");
    assert.equal(settings.processes, 3);
  });

  test("jobs: ids without ':', stable across sessions; a small step's mini-batches go before a large step's later ones", () => {
    const key = stepKeyOf("run_abc", "score images");
    assert.equal(key, stepKeyOf("run_abc", "score images"));
    assert.ok(!jobIdOf(key, 12, 2).includes(":"));
    assert.ok(priorityOf(5) < priorityOf(50_000));
    assert.equal(priorityOf(10_000_000), 2_097_152);
  });
});
