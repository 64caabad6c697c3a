import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { executeRun } from "../../lib/engine/orchestrator";
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

  /** Runs `pipeline` in this process while the StepRun table is away (flushes fail) until `until` resolves. */
  async function runWithFailingFlushes(pipeline: string, leaseMs: number, until: (log: string[], runId: string) => Promise<void>) {
    const script = makeEntryScript(ctx, `${pipeline}.mjs`, slowScript(150));
    await publishPipeline(ctx.db, makePipeline(pipeline, script, "many", { config: { mini_batch_size: 2 } }));
    const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline });
    const log: string[] = [];
    const executing = executeRun({ db: ctx.db, provider: ctx.provider, workerId: "flaky", flushIntervalMs: 100, leaseMs, log: (l) => log.push(l) }, run.id);
    await waitUntil("a few mini-batches done", () => scanSegments(join(run.runDir, "score-items", "segments")).size >= 4);
    await ctx.db.$executeRawUnsafe(`ALTER TABLE "StepRun" RENAME TO "StepRunAway"`);
    try {
      await until(log, run.id);
    } finally {
      await ctx.db.$executeRawUnsafe(`ALTER TABLE "StepRunAway" RENAME TO "StepRun"`);
    }
    return { run, log, result: await executing };
  }

  test("a failing flush is logged and retried: the run completes with every mini-batch recorded", async () => {
    const { run, log, result } = await runWithFailingFlushes("flaky-flush", 15_000, (log) =>
      waitUntil("two failed flushes logged", () => log.filter((l) => l.includes("progress and heartbeat not written")).length >= 2),
    );
    assert.equal(result.status, "completed", result.reason);
    assert.match(log.join("\n"), new RegExp(`run ${run.id}: progress and heartbeat not written \\(try 1, .*no such table: main\\.StepRun`));
    const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: run.id } });
    assert.equal(await ctx.db.miniBatch.count({ where: { stepRunId: step.id, status: "succeeded" } }), ITEMS / 2, "no mini-batch state was dropped with a failed flush");
    assert.equal(step.succeededItems, ITEMS);
  });

  test("an orchestrator that cannot renew its lease for half of it stops without writing results; a takeover completes the run", async () => {
    const { run, result } = await runWithFailingFlushes("lease-give-up", 2000, (log, runId) =>
      waitUntil("the orchestrator to give up its lease", () => log.some((l) => l.startsWith(`lost the lease on run ${runId}`))),
    );
    assert.equal(result.status, "lost");
    assert.match(result.reason, new RegExp(`lost the lease on run ${run.id} to whichever pool claims it next \\(no heartbeat written for`));
    assert.equal((await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } })).status, "running", "no final status written");

    const resumed = await executeRun({ db: ctx.db, provider: ctx.provider, workerId: "takeover", flushIntervalMs: 100 }, run.id);
    assert.equal(resumed.status, "completed", resumed.reason);
    const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: run.id } });
    const files = outputRows(join(step.outputDir, "parallel_run_step.txt")).map((r) => r.split(",")[0]);
    assert.equal(files.length, ITEMS);
    assert.equal(new Set(files).size, ITEMS);
  });
});
