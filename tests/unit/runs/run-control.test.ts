import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { executeRun } from "../../../lib/engine/orchestrator";
import { deleteRun, retryFailedMiniBatches } from "../../../lib/services/run-control";
import { publishPipeline } from "../../../lib/services/pipelines";
import { resumeRun, submitRun } from "../../../lib/services/runs";
import { makeEntryScript, makeItemsContext, type TestContext } from "../../support/context";
import { makePipeline, runPipeline } from "../../support/factories";

describe("run control", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(23);
  });
  after(async () => ctx.cleanup());

  test("retry failed mini-batches runs only those, and the output then has every item once", async () => {
    const fixed = join(ctx.env.dataDir, "fixed");
    const script = makeEntryScript(
      ctx,
      "flaky.mjs",
      `import { existsSync } from "node:fs";
export function run(batch, ctx) {
  if (!existsSync(${JSON.stringify(fixed)}) && batch.some((p) => p.endsWith("item-007.txt"))) throw new Error("upstream service down");
  return batch.map((p) => ({ file: ctx.relativePath(p) }));
}`,
    );
    const first = await runPipeline(ctx, makePipeline("flaky", script, "items", { config: { run_max_try: 1 } }));
    assert.equal(first.status, "completed");
    assert.equal(first.step.failedMiniBatches, 1);
    assert.equal(readFileSync(join(first.step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n").length, 1 + 18);
    await assert.rejects(() => retryFailedMiniBatches(ctx.db, "run_nope"), /not found/);

    writeFileSync(fixed, "");
    const retried = await retryFailedMiniBatches(ctx.db, first.run.id);
    assert.equal(retried.miniBatches, 1);
    const result = await executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "test", flushIntervalMs: 100 }, first.run.id);
    assert.equal(result.status, "completed");
    const rows = readFileSync(join(first.step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n").slice(1);
    assert.deepEqual(
      rows,
      Array.from({ length: 23 }, (_, i) => `item-${String(i).padStart(3, "0")}.txt`),
    );
    const attempts = readFileSync(join(first.run.runDir, "score-items", "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8")
      .trimEnd()
      .split("\n")
      .slice(1);
    assert.equal(attempts.length, 5 + 1, "the four good mini-batches ran once, the failed one twice");
    await assert.rejects(() => retryFailedMiniBatches(ctx.db, first.run.id), /has no failed mini-batches/);
  });

  test("delete removes the run, its rows, logs and outputs", async () => {
    const script = makeEntryScript(ctx, "echo.mjs", `export function run(batch) { return batch; }`);
    const { run, step } = await runPipeline(ctx, makePipeline("to-delete", script, "items"));
    assert.ok(existsSync(run.runDir) && existsSync(step.outputDir));
    await deleteRun(ctx.db, ctx.env.dataDir, run.id);
    assert.equal(await ctx.db.pipelineRun.count({ where: { id: run.id } }), 0);
    assert.equal(await ctx.db.miniBatch.count({ where: { stepRunId: step.id } }), 0);
    assert.ok(!existsSync(run.runDir));
    assert.ok(!existsSync(step.outputDir));
  });
});

describe("resume and delete judge a running run by the configured lease (PRS_LEASE_MS)", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(3);
  });
  after(async () => ctx.cleanup());

  test("a holder that renewed within the lease keeps its run; past the lease the run may be resumed or deleted", async () => {
    const script = makeEntryScript(ctx, "noop.mjs", "export function run(batch) { return batch; }");
    const pv = await publishPipeline(ctx.db, makePipeline("lease-rules", script, "items"));
    const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: pv.name });
    // A holder that last renewed 5 s ago: alive under the default 15 s lease, expired under a 2 s one.
    await ctx.db.pipelineRun.update({ where: { id: run.id }, data: { status: "running", claimedBy: "wrk_other_1", heartbeatAt: new Date(Date.now() - 5000) } });
    await assert.rejects(resumeRun(ctx.db, run.id), /is running on wrk_other_1; cancel it first/);
    await assert.rejects(resumeRun(ctx.db, run.id, 15_000), /cancel it first/);
    await assert.rejects(deleteRun(ctx.db, ctx.env.dataDir, run.id, 15_000), /cancel it before deleting it/);
    assert.equal((await resumeRun(ctx.db, run.id, 2000)).status, "queued");
    await ctx.db.pipelineRun.update({ where: { id: run.id }, data: { status: "running", claimedBy: "wrk_other_1", heartbeatAt: new Date(Date.now() - 5000) } });
    await deleteRun(ctx.db, ctx.env.dataDir, run.id, 2000);
    assert.equal(await ctx.db.pipelineRun.findUnique({ where: { id: run.id } }), null);
  });
});
