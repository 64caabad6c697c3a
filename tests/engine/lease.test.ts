import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { scanSegments } from "../../lib/engine/segments";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";
import { outputRows, sleep, slowScript, startWorkerPool, waitUntil, type WorkerPoolProcess } from "../support/workers";

const ITEMS = 80;
/** Short lease so the takeover happens in seconds; the mechanism is the same at 15 s. */
const LEASE = { PRS_LEASE_MS: "4000", PRS_MAX_CONCURRENT_RUNS: "1" };

describe("run lease (fencing)", () => {
  let ctx: TestContext;
  const pools: WorkerPoolProcess[] = [];
  before(async () => {
    ctx = await makeItemsContext(ITEMS, "many");
  });
  after(async () => {
    for (const p of pools) {
      p.child.kill("SIGCONT");
      await p.kill();
    }
    await ctx.cleanup();
  });

  /**
   * Freezes a process while it holds no SQLite write transaction: a frozen writer would lock the
   * database for everyone, which is SQLite's limit, not the lease's.
   */
  async function freeze(pool: WorkerPoolProcess, runId: string): Promise<void> {
    for (;;) {
      pool.child.kill("SIGSTOP");
      await sleep(100);
      const writable = await ctx.db
        .$executeRawUnsafe(`UPDATE "PipelineRun" SET "experimentName" = "experimentName" WHERE "id" = ?`, runId)
        .then(() => true, () => false);
      if (writable) return;
      pool.child.kill("SIGCONT");
      await sleep(300);
    }
  }

  test("a pool frozen past its lease is taken over, its late writes are refused, and every item is output exactly once", async () => {
    const script = makeEntryScript(ctx, "slow.mjs", slowScript(300));
    await publishPipeline(ctx.db, makePipeline("lease", script, "many", { config: { mini_batch_size: 2 } }));
    const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "lease" });
    const segments = join(run.runDir, "score-items", "segments");
    const holder = () => ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id }, select: { claimedBy: true, status: true, leaseEpoch: true } });

    const first = startWorkerPool(ctx, LEASE);
    pools.push(first);
    await waitUntil("the first pool to claim the run", async () => (await holder()).claimedBy === first.workerId);
    await waitUntil("a few mini-batches done by the first pool", () => scanSegments(segments).size >= 6);
    await freeze(first, run.id);
    const frozenEpoch = (await holder()).leaseEpoch;

    const second = startWorkerPool(ctx, LEASE);
    pools.push(second);
    await waitUntil("the second pool to take the run over", async () => (await holder()).claimedBy === second.workerId);
    assert.ok((await holder()).leaseEpoch > frozenEpoch, "the takeover starts a new lease epoch");
    first.child.kill("SIGCONT");

    await waitUntil("the first pool to notice it lost the lease", () => first.output().includes(`lost the lease on run ${run.id}`));
    await waitUntil("the run to complete", async () => (await holder()).status === "completed", 180_000);
    assert.match(first.output(), new RegExp(`lost the lease on run ${run.id} to ${second.workerId}`));
    assert.ok(first.alive(), "the pool that lost a lease keeps polling for other runs");

    const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: run.id } });
    assert.equal(step.status, "completed");
    assert.equal(step.succeededItems, ITEMS);
    assert.equal(await ctx.db.miniBatch.count({ where: { stepRunId: step.id, status: "succeeded" } }), ITEMS / 2);
    const rows = outputRows(join(step.outputDir, "parallel_run_step.txt"));
    const files = rows.map((r) => r.split(",")[0]);
    assert.equal(rows.length, ITEMS);
    assert.equal(new Set(files).size, ITEMS, "no item is output twice");
  });
});
