import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { after, before, describe, test } from "node:test";
import { loadEnv } from "../../lib/env";
import { publishPipeline } from "../../lib/services/pipelines";
import { cancelRun, submitRun } from "../../lib/services/runs";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";
import { sleep, slowScript, startWorkerPool, waitUntil, type WorkerPoolProcess } from "../support/workers";

/** A run() that never returns (within the test): the run it belongs to is stuck. */
const STUCK = `export async function run(batch) { await new Promise((r) => setTimeout(r, 600_000)); return batch; }`;

describe("concurrent runs per worker pool", () => {
  let ctx: TestContext;
  const pools: WorkerPoolProcess[] = [];
  before(async () => {
    ctx = await makeItemsContext(6, "few");
    const stuck = makeEntryScript(ctx, "stuck.mjs", STUCK);
    const quick = makeEntryScript(ctx, "quick.mjs", slowScript(10));
    await publishPipeline(
      ctx.db,
      makePipeline("stuck", stuck, "few", { config: { mini_batch_size: 3, process_count_per_node: 1, run_invocation_timeout: 600 } }),
    );
    await publishPipeline(ctx.db, makePipeline("quick", quick, "few", { config: { mini_batch_size: 3, process_count_per_node: 1 } }));
  });
  after(async () => {
    for (const pool of pools) await pool.kill();
    await ctx.cleanup();
  });

  const statusOf = async (runId: string) => (await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: runId } })).status;

  test("the limit defaults to the machine's cores and is set by PRS_MAX_CONCURRENT_RUNS", () => {
    const env = (vars: Record<string, string>) => ({ NODE_ENV: "test", ...vars }) as NodeJS.ProcessEnv;
    assert.equal(loadEnv(env({})).maxConcurrentRuns, availableParallelism());
    assert.equal(loadEnv(env({ PRS_MAX_CONCURRENT_RUNS: "3" })).maxConcurrentRuns, 3);
    assert.throws(() => loadEnv(env({ PRS_MAX_CONCURRENT_RUNS: "0" })), /PRS_MAX_CONCURRENT_RUNS/);
  });

  test("a stuck run does not hold up a later submission; the limit holds back runs beyond it", async () => {
    const stuckA = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "stuck" });
    const pool = startWorkerPool(ctx, { PRS_MAX_CONCURRENT_RUNS: "2" });
    pools.push(pool);
    await waitUntil("the stuck run to start", async () => (await statusOf(stuckA.id)) === "running");
    const quick = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "quick" });
    await waitUntil("the later run to complete while the stuck one runs", async () => (await statusOf(quick.id)) === "completed", 120_000);
    assert.equal(await statusOf(stuckA.id), "running");

    // Two stuck runs fill the pool: a third submission waits for a free slot.
    const stuckB = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "stuck" });
    await waitUntil("the second stuck run to start", async () => (await statusOf(stuckB.id)) === "running");
    const waiting = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "quick" });
    await sleep(2000); // several polls of the pool
    assert.equal(await statusOf(waiting.id), "queued", "no third run while two are running");
    await cancelRun(ctx.db, stuckA.id);
    await waitUntil("the stuck run to be cancelled", async () => (await statusOf(stuckA.id)) === "cancelled");
    await waitUntil("the waiting run to complete in the freed slot", async () => (await statusOf(waiting.id)) === "completed", 120_000);
    await cancelRun(ctx.db, stuckB.id);
    await waitUntil("the second stuck run to be cancelled", async () => (await statusOf(stuckB.id)) === "cancelled");
    assert.ok(pool.alive());
    assert.match(pool.output(), /polling for runs \(up to 2 at once\)/);
  });
});
