import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { LeaseLostError, RunLease } from "../../lib/engine/lease";
import { executeRun } from "../../lib/engine/orchestrator";
import { scanSegments } from "../../lib/engine/segments";
import { publishPipeline } from "../../lib/services/pipelines";
import { claimNextRun } from "../../lib/engine/claim";
import { submitRun } from "../../lib/services/runs";
import { makeEntryScript, makeItemsContext, makeTestContext, postgresUnavailable, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";
import { outputRows, renameSqliteTable, sleep, slowScript, startWorkerPool, waitUntil, type WorkerPoolProcess } from "../support/workers";

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
      const writable = await ctx.db.$executeRawUnsafe(`UPDATE "PipelineRun" SET "experimentName" = "experimentName" WHERE "id" = ?`, runId).then(
        () => true,
        () => false,
      );
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
    const executing = executeRun(
      { db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "flaky", flushIntervalMs: 100, leaseMs, log: (l) => log.push(l) },
      run.id,
    );
    await waitUntil("a few mini-batches done", () => scanSegments(join(run.runDir, "score-items", "segments")).size >= 4);
    await renameSqliteTable(ctx.env.databaseUrl, "StepRun", "StepRunAway");
    try {
      await until(log, run.id);
    } finally {
      await renameSqliteTable(ctx.env.databaseUrl, "StepRunAway", "StepRun");
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
    assert.equal(
      await ctx.db.miniBatch.count({ where: { stepRunId: step.id, status: "succeeded" } }),
      ITEMS / 2,
      "no mini-batch state was dropped with a failed flush",
    );
    assert.equal(step.succeededItems, ITEMS);
  });

  test("an orchestrator that cannot renew its lease for half of it stops without writing results; a takeover completes the run", async () => {
    const { run, result } = await runWithFailingFlushes("lease-give-up", 2000, (log, runId) =>
      waitUntil("the orchestrator to give up its lease", () => log.some((l) => l.startsWith(`lost the lease on run ${runId}`))),
    );
    assert.equal(result.status, "lost");
    assert.match(result.reason, new RegExp(`lost the lease on run ${run.id} to whichever pool claims it next \\(no heartbeat written for`));
    assert.equal((await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } })).status, "running", "no final status written");

    const resumed = await executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "takeover", flushIntervalMs: 100 }, run.id);
    assert.equal(resumed.status, "completed", resumed.reason);
    const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: run.id } });
    const files = outputRows(join(step.outputDir, "parallel_run_step.txt")).map((r) => r.split(",")[0]);
    assert.equal(files.length, ITEMS);
    assert.equal(new Set(files).size, ITEMS);
  });
});

for (const provider of ["sqlite", "postgresql"] as const) {
  describe(`lease fencing on ${provider}`, () => {
    let ctx: TestContext | undefined;
    let skip: string | false = false;
    before(async () => {
      skip = provider === "postgresql" ? await postgresUnavailable() : false;
      if (!skip) ctx = await makeTestContext(provider);
    });
    after(async () => ctx?.cleanup());

    test("after another claim, the stale holder's writes are refused whole and the new holder's writes commit", async (t) => {
      if (skip || !ctx) return t.skip(skip || "no database");
      await publishPipeline(ctx.db, makePipeline("fenced", "/tmp/none.mjs", "none"));
      const { db } = ctx;
      const run = await db.pipelineRun.create({
        data: {
          id: "run_fenced",
          pipelineId: (await db.pipeline.findFirstOrThrow()).id,
          pipelineVersionId: (await db.pipelineVersion.findFirstOrThrow()).id,
          experimentName: "e",
          parameters: "{}",
          status: "queued",
          runDir: "/tmp/none",
        },
      });
      const claim = (await claimNextRun(db, "pool-a"))!;
      assert.deepEqual(claim, { runId: run.id, epoch: 1 });
      const stale = new RunLease(db, run.id, "pool-a", claim.epoch);
      await stale.commit((tx) => tx.pipelineRun.update({ where: { id: run.id }, data: { statusReason: "written by a" } }));
      const current = await RunLease.acquire(db, run.id, "pool-b");
      assert.equal(current.epoch, 2);
      await assert.rejects(
        stale.commit((tx) => tx.pipelineRun.update({ where: { id: run.id }, data: { statusReason: "late write by a" } })),
        (error: unknown) => error instanceof LeaseLostError && /lost the lease on run run_fenced to pool-b \(claim 2\)/.test(error.message),
      );
      assert.ok(stale.lost, "the stale holder knows");
      await current.commit((tx) => tx.pipelineRun.update({ where: { id: run.id }, data: { statusReason: "written by b" } }));
      assert.equal((await db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } })).statusReason, "written by b");
    });
  });
}
