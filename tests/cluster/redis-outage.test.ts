import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ClusterRun, makeClusterRun } from "../support/cluster-run";
import { type RedisServer, startRedisServer } from "../support/cluster";
import { postgresUnavailable } from "../support/context";
import { sleep, waitUntil } from "../support/workers";

// The test's own redis-server (never the shared one): killed mid-run and started again on the same
// port, empty (every queued job, the step's setup and its results stream lost) or from its AOF.
const skip = await postgresUnavailable();
const ITEMS = 24;

for (const appendonly of [false, true]) {
  describe(`Redis restarted mid-run (${appendonly ? "with AOF" : "empty"})`, { skip }, () => {
    let redis: RedisServer;
    let env: ClusterRun;
    before(async () => {
      redis = await startRedisServer({ appendonly });
      env = await makeClusterRun(ITEMS, redis.url);
    });
    after(async () => {
      await redis?.start(); // cleanup deletes the test's keys
      await env?.cleanup();
      await redis?.stop();
    });

    test("the run says Redis is unreachable, reconciles its mini-batches when it is back, and writes every item once, in order", {
      timeout: 240_000,
    }, async () => {
      const [a, b] = [env.agent(), env.agent()];
      await waitUntil("two agents to register", () => a.output().includes("in pool") && b.output().includes("in pool"), 120_000);
      const runId = await env.submit(`restart-${appendonly ? "aof" : "empty"}`, 600);
      const { result, events, log } = await env.execute(runId, async ({ log }) => {
        await waitUntil("a few mini-batches done", async () => (await env.succeededItems(runId)) >= 4, 120_000, 100);
        await redis.kill();
        await waitUntil("the run to say Redis is unreachable", () => log.some((l) => l.includes(`Redis unreachable at 127.0.0.1:${redis.port}`)), 30_000);
        await sleep(2000);
        await redis.start();
      });
      if (process.env.PRS_TEST_VERBOSE) console.error(log.join("\n"));
      assert.equal(result.status, "completed", `${result.reason}\n${log.join("\n")}`);
      assert.deepEqual(await env.outputItems(`restart-${appendonly ? "aof" : "empty"}`), env.expectedItems);
      const step = await env.ctx.db.stepRun.findFirstOrThrow({ where: { runId } });
      assert.equal(step.succeededItems, ITEMS);
      assert.equal(step.failedMiniBatches, 0);
      assert.ok(
        events.some((e) => e.type === "step_status" && (e.reason ?? "").includes(`Redis unreachable at 127.0.0.1:${redis.port}`)),
        `the run page was told: ${JSON.stringify(events.filter((e) => e.type === "step_status"))}`,
      );
      // Empty, Redis lost the queued jobs and the step's setup: both came back from the orchestrator.
      if (!appendonly)
        assert.ok(
          log.some((l) => /mini-batch(es were| was) no longer in Redis's queue; queued again/.test(l)),
          log.join("\n"),
        );
      for (const agent of [a, b]) assert.ok(agent.child.exitCode === null && agent.child.signalCode === null, `agent survived the restart:\n${agent.output()}`);
    });
  });
}
