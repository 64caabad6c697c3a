import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { executeRun } from "../../lib/engine/orchestrator";
import { scanSegments } from "../../lib/engine/segments";
import { publishPipeline } from "../../lib/services/pipelines";
import { cancelRun, resumeRun, submitRun } from "../../lib/services/runs";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";

/** Slow entry script that logs every run() call: "<pid> <first item>". */
const SLOW = `
import { appendFileSync, readFileSync } from "node:fs";
import { basename } from "node:path";
export async function run(batch, ctx) {
  appendFileSync(ctx.args.calls, batch.map((p) => basename(p)).join(" ") + "\\n");
  await new Promise((r) => setTimeout(r, 60));
  return batch.map((p) => ({ file: ctx.relativePath(p), value: readFileSync(p, "utf8") }));
}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function callsPerItem(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) for (const item of line.split(" ")) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

describe("resume", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(60, "many");
  });
  after(async () => ctx.cleanup());

  test("an orchestrator killed mid-run resumes without re-running finished mini-batches", async () => {
    const calls = join(ctx.env.dataDir, "calls-crash.txt");
    const script = makeEntryScript(ctx, "slow.mjs", SLOW);
    await publishPipeline(ctx.db, makePipeline("crash", script, "many", { config: { mini_batch_size: 2 }, step: { arguments: ["--calls", calls] } }));
    const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "crash" });
    const cli = spawn(process.execPath, ["bin/prs.mjs", "run", "wait", run.id], {
      // The test's folders are private to this user: the workers run as the same user here.
      env: { ...process.env, PRS_DATA_DIR: ctx.env.dataDir, DATABASE_URL: ctx.env.databaseUrl, PRS_WORKER_USER: "same" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    cli.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise((r) => cli.once("exit", r));
    const segmentsDir = join(run.runDir, "score-items", "segments");
    const finished = () => scanSegments(segmentsDir);
    for (let i = 0; i < 600 && finished().size < 8 && cli.exitCode === null; i++) await sleep(50);
    assert.equal(cli.exitCode, null, `prs run wait ended before it was killed: ${stderr}`);
    cli.kill("SIGKILL");
    await exited;
    await sleep(300); // orphaned worker processes exit when their agent's channel closes
    const finishedAtKill = finished();
    assert.ok(finishedAtKill.size >= 8 && finishedAtKill.size < 30, `killed after ${finishedAtKill.size} of 30 mini-batches`);
    const finishedItems = new Set<string>();
    for (const record of finishedAtKill.values()) {
      const rows = readFileSync(record.file)
        .subarray(record.offset, record.offset + record.length)
        .toString("utf8");
      for (const line of rows.split("\n").filter(Boolean)) finishedItems.add(line.split(",")[0]!);
    }

    const result = await executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "restarted", flushIntervalMs: 100 }, run.id);
    assert.equal(result.status, "completed");
    const counts = callsPerItem(calls);
    for (const item of finishedItems) assert.equal(counts.get(item), 1, `${item} finished before the crash and ran again`);
    const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: run.id } });
    const rows = readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n").slice(1);
    assert.equal(rows.length, 60);
    assert.equal(new Set(rows).size, 60);
  });

  test("cancel stops a run and resume completes it with every item exactly once", async () => {
    const calls = join(ctx.env.dataDir, "calls-cancel.txt");
    const script = makeEntryScript(ctx, "slow-cancel.mjs", SLOW);
    await publishPipeline(ctx.db, makePipeline("cancel", script, "many", { config: { mini_batch_size: 2 }, step: { arguments: ["--calls", calls] } }));
    const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "cancel" });
    const deps = { db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "w", flushIntervalMs: 100 };
    const running = executeRun(deps, run.id);
    const segmentsDir = join(run.runDir, "score-items", "segments");
    for (let i = 0; i < 600 && scanSegments(segmentsDir).size < 6; i++) await sleep(50);
    await cancelRun(ctx.db, run.id);
    const cancelled = await running;
    assert.equal(cancelled.status, "cancelled");
    const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: run.id } });
    assert.ok(step.succeededMiniBatches < 30, "cancelled before the end");
    await resumeRun(ctx.db, run.id);
    const resumed = await executeRun(deps, run.id);
    assert.equal(resumed.status, "completed");
    const rows = readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n").slice(1);
    assert.equal(rows.length, 60);
    assert.equal(new Set(rows).size, 60);
  });
});
