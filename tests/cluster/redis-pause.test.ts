import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { type ClusterRun, makeClusterRun } from "../support/cluster-run";
import { type RedisServer, startRedisServer } from "../support/cluster";
import { postgresUnavailable } from "../support/context";
import { waitUntil } from "../support/workers";

// `CLIENT PAUSE 10000 ALL` on the test's own redis-server (pausing the shared one would stall
// every other test using it): every client's commands wait 10 s, longer than the agents' locks.
const skip = await postgresUnavailable();
const ITEMS = 24;

describe("Redis paused for 10 s mid-run", { skip }, () => {
  let redis: RedisServer;
  let env: ClusterRun;
  before(async () => {
    redis = await startRedisServer();
    env = await makeClusterRun(ITEMS, redis.url);
  });
  after(async () => {
    await env?.cleanup();
    await redis?.stop();
  });

  test("the run continues after the pause with nothing lost or duplicated", { timeout: 240_000 }, async () => {
    const [a, b] = [env.agent(2, 3000), env.agent(2, 3000)];
    await waitUntil("two agents to register", () => a.output().includes("in pool") && b.output().includes("in pool"), 120_000);
    const runId = await env.submit("paused", 600);
    let doneAtPause = 0;
    const { result, log, events } = await env.execute(runId, async () => {
      await waitUntil("a few mini-batches done", async () => (await env.succeededItems(runId)) >= 4, 120_000, 100);
      const admin = new Redis(redis.url);
      try {
        await admin.client("PAUSE", 10_000, "ALL");
      } finally {
        admin.disconnect();
      }
      doneAtPause = await env.succeededItems(runId);
    });
    assert.equal(result.status, "completed", `${result.reason}\n${log.join("\n")}`);
    assert.ok(doneAtPause < ITEMS, "paused mid-run");
    assert.deepEqual(await env.outputItems("paused"), env.expectedItems);
    const step = await env.ctx.db.stepRun.findFirstOrThrow({ where: { runId } });
    assert.equal(step.succeededItems, ITEMS);
    assert.equal(step.failedMiniBatches, 0);
    assert.equal(step.retries, 0);
    // Connected but silent: the run page was told, then told it answers again.
    const said = events.filter((e) => e.type === "step_status").map((e) => e.reason ?? "");
    assert.ok(
      said.some((r) => r.startsWith(`Redis unreachable at 127.0.0.1:${redis.port} (connected, but no answer`)),
      `the run page was told: ${JSON.stringify(said)}`,
    );
    assert.ok(
      said.some((r) => r.startsWith("Redis answers again")),
      JSON.stringify(said),
    );
  });
});
