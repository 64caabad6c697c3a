import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Queue } from "bullmq";
import { LeaseLostError, RunLease } from "../../lib/engine/lease";
import { AGENT_SECRET, type ClusterRun, makeClusterRun } from "../support/cluster-run";
import { redisUnavailable } from "../support/cluster";
import { postgresUnavailable } from "../support/context";
import { sleep, startWorkerPool, waitUntil, type WorkerPoolProcess } from "../support/workers";

// Two studios' orchestrators (`prs worker`, as the product starts them) on one PostgreSQL database
// and one Redis prefix, with agents connected: the one holding the run is SIGKILLed mid-run.
const skip = (await redisUnavailable()) || (await postgresUnavailable());
const ITEMS = 30;
/** Short lease so the takeover happens in seconds; the mechanism is the same at 15 s. */
const LEASE_MS = "4000";

describe("orchestrator failover", { skip }, () => {
  let env: ClusterRun;
  const pools: WorkerPoolProcess[] = [];
  before(async () => {
    env = await makeClusterRun(ITEMS);
  });
  const studio = () => {
    const pool = startWorkerPool(env.ctx, {
      REDIS_URL: env.cluster.url,
      PRS_QUEUE_PREFIX: env.cluster.prefix,
      PRS_AGENT_SECRET: AGENT_SECRET,
      PRS_LEASE_MS: LEASE_MS,
      PRS_MAX_CONCURRENT_RUNS: "1",
      PRS_WARM_PROCESSES: "0",
    });
    pools.push(pool);
    return pool;
  };
  const runOf = (runId: string) =>
    env.ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: runId }, select: { claimedBy: true, status: true, leaseEpoch: true } });

  /**
   * Freezes a studio while it holds no transaction on the run's row: a frozen transaction would
   * hold the row lock and block every other studio's claim, which is PostgreSQL's locking, not the lease.
   */
  async function freeze(pool: WorkerPoolProcess, runId: string): Promise<void> {
    for (;;) {
      pool.child.kill("SIGSTOP");
      await sleep(100);
      const writable = await env.ctx.db
        .$transaction([
          env.ctx.db.$executeRawUnsafe("SET LOCAL lock_timeout = '300ms'"),
          env.ctx.db.$executeRawUnsafe(`UPDATE "PipelineRun" SET "experimentName" = "experimentName" WHERE "id" = $1`, runId),
        ])
        .then(
          () => true,
          () => false,
        );
      if (writable) return;
      pool.child.kill("SIGCONT");
      await sleep(300);
    }
  }

  after(async () => {
    for (const p of pools) p.child.kill("SIGCONT");
    if (process.env.PRS_TEST_VERBOSE) for (const p of pools) console.error(`--- pool ${p.workerId}\n${p.output()}`);
    await Promise.all(pools.map((p) => p.kill()));
    await env?.cleanup();
  });

  test("the other studio takes the run over through the lease, the dead holder's writes are refused, and every item is output once, in order", {
    timeout: 300_000,
  }, async () => {
    const [a, b] = [env.agent(), env.agent()];
    await waitUntil("two agents to register", () => a.output().includes("in pool") && b.output().includes("in pool"), 120_000);
    studio();
    studio();
    const runId = await env.submit("failover", 700);
    const run = () => runOf(runId);
    await waitUntil("a studio to claim the run", async () => (await run()).claimedBy !== null, 60_000);
    const claimed = await run();
    const dead = pools.find((p) => p.workerId === claimed.claimedBy);
    assert.ok(dead, `the run is claimed by one of the two studios (${claimed.claimedBy})`);
    const survivor = pools.find((p) => p !== dead)!;
    await waitUntil("a few mini-batches done", async () => (await env.succeededItems(runId)) >= 5, 120_000, 100);
    await dead.kill("SIGKILL");
    const deadEpoch = (await run()).leaseEpoch;
    assert.ok((await env.succeededItems(runId)) < ITEMS, "the holder was killed mid-run");

    await waitUntil("the other studio to take the run over", async () => (await run()).claimedBy === survivor.workerId, 60_000);
    assert.ok((await run()).leaseEpoch > deadEpoch, "the takeover starts a new lease epoch");
    // A write of the dead holder arriving late (a paused process, a delayed packet) is refused.
    await assert.rejects(new RunLease(env.ctx.db, runId, dead.workerId, deadEpoch).renew(), LeaseLostError);

    await waitUntil("the run to complete", async () => ["completed", "failed"].includes((await run()).status), 180_000, 200);
    assert.equal((await run()).status, "completed", survivor.output());
    assert.deepEqual(await env.outputItems("failover"), env.expectedItems);
    const step = await env.ctx.db.stepRun.findFirstOrThrow({ where: { runId } });
    assert.equal(step.succeededItems, ITEMS);
    assert.equal(step.failedMiniBatches, 0);
    assert.equal(await env.ctx.db.miniBatch.count({ where: { stepRun: { runId }, status: "succeeded" } }), ITEMS);
    // Attempts the dead holder's agents had reported were taken from the results stream, not queued
    // again to run after the step's end.
    const queue = new Queue(env.cluster.keys.queueName("gpu"), { connection: env.cluster.redis, prefix: env.cluster.prefix });
    const counts = await queue.getJobCounts("waiting", "prioritized", "delayed");
    await queue.close();
    assert.deepEqual(counts, { waiting: 0, prioritized: 0, delayed: 0 }, "no job of the ended step is left queued");
  });

  test("a studio frozen past its lease and resumed leaves the new holder's queued and running mini-batches alone", { timeout: 300_000 }, async () => {
    const live = pools.filter((p) => p.alive());
    if (live.length < 2) studio();
    const runId = await env.submit("frozen", 1500);
    await waitUntil("a studio to claim the run", async () => (await runOf(runId)).claimedBy !== null, 60_000);
    const holderId = (await runOf(runId)).claimedBy;
    const holder = pools.find((p) => p.workerId === holderId && p.alive());
    assert.ok(holder, `the run is claimed by a live studio (${holderId})`);
    const other = pools.find((p) => p !== holder && p.alive())!;
    await waitUntil("a few mini-batches done", async () => (await env.succeededItems(runId)) >= 5, 120_000, 100);
    await freeze(holder, runId);
    await waitUntil("the other studio to take the run over", async () => (await runOf(runId)).claimedBy === other.workerId, 60_000);
    const atTakeover = await env.succeededItems(runId);
    await waitUntil("the new holder to run mini-batches", async () => (await env.succeededItems(runId)) >= atTakeover + 2, 120_000, 100);
    holder.child.kill("SIGCONT");
    await waitUntil("the frozen studio to notice it lost the lease", () => holder.output().includes(`lost the lease on run ${runId}`), 60_000);

    await waitUntil("the run to end", async () => ["completed", "failed"].includes((await runOf(runId)).status), 180_000, 200);
    assert.equal((await runOf(runId)).status, "completed", other.output());
    assert.deepEqual(await env.outputItems("frozen"), env.expectedItems);
    const step = await env.ctx.db.stepRun.findFirstOrThrow({ where: { runId } });
    assert.equal(step.succeededItems, ITEMS);
    assert.equal(step.failedMiniBatches, 0);
    assert.equal(step.retries, 0);
    // The old holder touched nothing of the new one's: no job had to be found missing and queued
    // again, and no agent had the step's processes stopped (a cancel) and started again.
    assert.doesNotMatch(other.output(), /no longer in Redis's queue/);
    for (const agent of env.agents) {
      const starts = agent.output().split(`step score of run ${runId}: starting processes`).length - 1;
      assert.ok(starts <= 1, `agent ${agent.dir} started the step's processes ${starts} times:\n${agent.output()}`);
    }
  });
});
