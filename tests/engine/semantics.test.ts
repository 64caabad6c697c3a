import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makeFileDataset, makePipeline, runPipeline } from "../support/factories";

/** Entry script: one object per item; records each run() call (items and pid) in --calls. */
const ECHO = `
import { appendFileSync, readFileSync } from "node:fs";
import { basename } from "node:path";
let calls;
export function init(ctx) { calls = ctx.args.calls; ctx.logger.info("init in process " + ctx.processId); }
export function run(batch, ctx) {
  if (calls) appendFileSync(calls, batch.map((p) => basename(p)).join(" ") + "\\n");
  return batch.map((p) => ({ file: ctx.relativePath(p), value: readFileSync(p, "utf8") }));
}
`;

function readCsv(file: string): string[] {
  return readFileSync(file, "utf8").trimEnd().split("\n");
}

function attempts(ctx: TestContext, runId: string, step = "score-items"): string[] {
  return readCsv(join(ctx.env.dataDir, "runs", runId, step, "logs", "sys", "job_report", "processed_mini-batches.csv")).slice(1);
}

function output(step: { outputDir: string }, file = "parallel_run_step.txt"): string[] {
  return readCsv(join(step.outputDir, file));
}

describe("ParallelRunConfig semantics on SQLite", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(23);
  });
  after(async () => ctx.cleanup());

  test("append_row output is in input order, with a header, one row per item", async () => {
    const script = makeEntryScript(ctx, "echo.mjs", ECHO);
    const { status, step, run } = await runPipeline(ctx, makePipeline("ordered", script, "items"));
    assert.equal(status, "completed");
    const rows = output(step);
    assert.equal(rows[0], "file,value");
    assert.deepEqual(
      rows.slice(1),
      Array.from({ length: 23 }, (_, i) => `item-${String(i).padStart(3, "0")}.txt,value ${i}`),
    );
    assert.equal(step.totalMiniBatches, 5);
    assert.equal(step.succeededItems, 23);
    const result = readFileSync(join(run.runDir, "score-items", "logs", "job_result.txt"), "utf8");
    assert.match(result, /^Completed: 23 of 23 items succeeded/);
    const logDir = join(run.runDir, "score-items", "logs", "user", "entry_script_log", "0");
    const userLogs = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), "utf8"));
    assert.ok(
      userLogs.some((l) => /INFO \[node 0 process \d\] init in process \d/.test(l)),
      userLogs.join("\n"),
    );
  });

  test("a run() that throws on one mini-batch fails only that one, after run_max_try tries", async () => {
    const script = makeEntryScript(
      ctx,
      "throws.mjs",
      `${ECHO.replace("export function run", "function echo")}
export function run(batch, ctx) {
  if (batch.some((p) => p.endsWith("item-007.txt"))) throw new RangeError("cannot score item-007");
  return echo(batch, ctx);
}`,
    );
    const { status, step, run } = await runPipeline(ctx, makePipeline("throws", script, "items", { config: { run_max_try: 2 } }));
    assert.equal(status, "completed");
    assert.equal(step.failedMiniBatches, 1);
    assert.equal(step.failedItems, 5);
    assert.equal(step.succeededItems, 18);
    assert.equal(output(step).length, 1 + 18);
    const failedTries = attempts(ctx, run.id).filter((l) => l.includes("RUN_EXCEPTION"));
    assert.equal(failedTries.length, 2);
    assert.ok(failedTries.every((l) => l.startsWith("1,")));
    assert.match(readFileSync(join(run.runDir, "score-items", "logs", "job_error.txt"), "utf8"), /2 x RUN_EXCEPTION: RangeError: cannot score item-007/);
  });

  test("error_threshold exceeded aborts the job and job_result says why", async () => {
    const script = makeEntryScript(
      ctx,
      "fewer.mjs",
      `export function run(batch, ctx) {
  const ok = batch.filter((p) => !/item-00[0-9]\\.txt$/.test(p));
  for (const p of batch) if (!ok.includes(p)) ctx.failItem(p, "digit files are rejected");
  return ok.map((p) => ctx.relativePath(p));
}`,
    );
    const { status, run, reason } = await runPipeline(
      ctx,
      makePipeline("threshold", script, "items", { config: { error_threshold: 3, process_count_per_node: 1 } }),
    );
    assert.equal(status, "failed");
    assert.match(reason, /aborted: \d+ items failed, more than error_threshold 3/);
    const jobResult = readFileSync(join(run.runDir, "score-items", "logs", "job_result.txt"), "utf8");
    assert.match(jobResult, /more than error_threshold 3/);
    assert.match(readFileSync(join(run.runDir, "score-items", "logs", "job_error.txt"), "utf8"), /digit files are rejected/);
  });

  test("returning more results than items is an error that says so", async () => {
    const script = makeEntryScript(ctx, "extra.mjs", `export function run(batch) { return [...batch, "extra"]; }`);
    const { step, run } = await runPipeline(ctx, makePipeline("extra", script, "items", { config: { run_max_try: 1 } }));
    assert.equal(step.succeededItems, 0);
    const lines = attempts(ctx, run.id);
    assert.ok(lines.every((l) => l.includes("RESULT_COUNT_ERROR")));
    assert.match(lines[0]!, /run\(\) returned 6 results for 5 items/);
  });

  test("a hung run() is replaced after run_invocation_timeout and retried up to run_max_try", async () => {
    const script = makeEntryScript(
      ctx,
      "hangs.mjs",
      `${ECHO.replace("export function run", "function echo")}
export async function run(batch, ctx) {
  if (batch.some((p) => p.endsWith("item-012.txt"))) await new Promise(() => setInterval(() => {}, 1000));
  return echo(batch, ctx);
}`,
    );
    const { step, run, status } = await runPipeline(ctx, makePipeline("hangs", script, "items", { config: { run_invocation_timeout: 1, run_max_try: 2 } }));
    assert.equal(status, "completed");
    const timeouts = attempts(ctx, run.id).filter((l) => l.includes("RUN_TIMEOUT"));
    assert.equal(timeouts.length, 2);
    assert.ok(timeouts.every((l) => l.startsWith("2,")));
    assert.equal(step.failedMiniBatches, 1);
    assert.equal(step.succeededItems, 18);
    assert.match(timeouts[0]!, /run_invocation_timeout \(1 s\)/);
  });

  test("a worker killed with SIGKILL mid-mini-batch leaves every item exactly once in the output", async () => {
    const marker = join(ctx.env.dataDir, "killed-once");
    const script = makeEntryScript(
      ctx,
      "sigkill.mjs",
      `${ECHO.replace("export function run", "function echo")}
import { existsSync as exists, writeFileSync } from "node:fs";
export function run(batch, ctx) {
  if (batch.some((p) => p.endsWith("item-016.txt")) && !exists(${JSON.stringify(marker)})) {
    writeFileSync(${JSON.stringify(marker)}, String(process.pid));
    process.kill(process.pid, "SIGKILL");
  }
  return echo(batch, ctx);
}`,
    );
    const { step, run, status } = await runPipeline(ctx, makePipeline("sigkill", script, "items", { config: { mini_batch_size: 2 } }));
    assert.equal(status, "completed");
    assert.ok(existsSync(marker));
    const rows = output(step).slice(1);
    assert.equal(rows.length, 23);
    assert.equal(new Set(rows).size, 23);
    assert.equal(attempts(ctx, run.id).filter((l) => l.includes("PROCESS_DIED")).length, 1);
  });

  test("summary_only counts results and writes no append_row file", async () => {
    const script = makeEntryScript(
      ctx,
      "summary.mjs",
      `import { writeFileSync } from "node:fs";
import { join, basename } from "node:path";
export function run(batch, ctx) {
  for (const p of batch) writeFileSync(join(ctx.outputDir, basename(p) + ".out"), "done");
  return batch.map(() => true);
}`,
    );
    const { step, status } = await runPipeline(ctx, makePipeline("summary", script, "items", { config: { output_action: "summary_only" } }));
    assert.equal(status, "completed");
    assert.equal(step.succeededItems, 23);
    assert.ok(!existsSync(join(step.outputDir, "parallel_run_step.txt")));
    assert.ok(existsSync(join(step.outputDir, "item-022.txt.out")));
  });

  test("pipeline parameters have defaults and are overridden per submission", async () => {
    const script = makeEntryScript(ctx, "echo-params.mjs", ECHO);
    const def = makePipeline(
      "params",
      script,
      "items",
      { config: { mini_batch_size: { param: "batch_size_param" }, process_count_per_node: { param: "process_count_param" } } },
      [
        { name: "batch_size_param", type: "int", default: 10 },
        { name: "process_count_param", type: "int", default: 2 },
      ],
    );
    const first = await runPipeline(ctx, def);
    assert.equal(first.step.totalMiniBatches, 3);
    const second = await runPipeline(ctx, def, { batch_size_param: "1", process_count_param: 1 });
    assert.equal(second.step.totalMiniBatches, 23);
    assert.equal(JSON.parse(second.run.parameters).batch_size_param, 1);
    await assert.rejects(
      () => submitRun(ctx.db, ctx.env.dataDir, { pipeline: "params", parameters: { batch_size: "3" } }),
      /Unknown pipeline parameter 'batch_size'/,
    );
  });

  test("allow_reuse: an identical step reuses the earlier output without running", async () => {
    const calls = join(ctx.env.dataDir, "reuse-calls.txt");
    const script = makeEntryScript(ctx, "echo-reuse.mjs", ECHO);
    const def = makePipeline("reuse", script, "items", { step: { allow_reuse: true, arguments: ["--calls", calls] } });
    const first = await runPipeline(ctx, def);
    assert.equal(first.step.status, "completed");
    const callsAfterFirst = readFileSync(calls, "utf8");
    const second = await runPipeline(ctx, def);
    assert.equal(second.step.status, "reused");
    assert.equal(readFileSync(calls, "utf8"), callsAfterFirst);
    assert.deepEqual(output(second.step), output(first.step));
    // regenerate_outputs runs the identical step again.
    const regenerated = await runPipeline(ctx, def, {}, { regenerateOutputs: true });
    assert.equal(regenerated.step.status, "completed");
    assert.ok(readFileSync(calls, "utf8").length > callsAfterFirst.length, "the entry script ran again");
    assert.deepEqual(output(regenerated.step), output(first.step));
    // A changed config is not identical: it runs.
    const third = await runPipeline(
      ctx,
      makePipeline("reuse", script, "items", { step: { allow_reuse: true, arguments: ["--calls", calls] }, config: { mini_batch_size: 7 } }),
    );
    assert.equal(third.step.status, "completed");
  });

  test("bad input gets errors that name the problem", async () => {
    const script = makeEntryScript(ctx, "echo-bad.mjs", ECHO);
    const bad = makePipeline("bad-name", script, "items");
    bad.steps[0]!.name = "A";
    await assert.rejects(() => publishPipeline(ctx.db, bad), /steps\[0\]\.name: a step name has 3 to 32 characters \(got 'A'\)/);
    for (const size of ["abc", 0]) {
      await publishPipeline(ctx.db, makePipeline(`size-${size}`, script, "items", { config: { mini_batch_size: size } }));
      await assert.rejects(
        () => submitRun(ctx.db, ctx.env.dataDir, { pipeline: `size-${size}` }),
        new RegExp(`mini_batch_size '${size}' is not valid for file data`),
      );
    }
    await publishPipeline(ctx.db, makePipeline("no-dataset", script, "nothing-here"));
    await assert.rejects(() => submitRun(ctx.db, ctx.env.dataDir, { pipeline: "no-dataset" }), /Dataset 'nothing-here' is not registered/);

    await makeFileDataset(ctx, "missing-path", "no/such/folder/");
    const missing = await runPipeline(ctx, makePipeline("missing-path", script, "missing-path"));
    assert.equal(missing.status, "failed");
    assert.match(missing.reason, /matched no files: datastore 'workspace' has nothing at 'no\/such\/folder\/'/);
    const missingLogs = join(missing.run.runDir, "score-items", "logs");
    assert.match(readFileSync(join(missingLogs, "job_result.txt"), "utf8"), /^Failed before processing: Input 'missing-path' matched no files/);
    assert.match(readFileSync(join(missingLogs, "job_error.txt"), "utf8"), /matched no files/);
    assert.equal(missing.step.status, "failed");

    const syntax = makeEntryScript(ctx, "syntax.mjs", "export function run(batch) { return batch.map((p) => p; }");
    const broken = await runPipeline(ctx, makePipeline("syntax", syntax, "items"));
    assert.equal(broken.status, "failed");
    assert.match(broken.reason, /init\(\) failed in every worker process: entry script '.*syntax\.mjs' could not be loaded: SyntaxError/);

    // A process that dies while loading (here: a node option it refuses) fails the step with
    // node's own message, after a second try, instead of being started again forever.
    const wontStart = await runPipeline(
      ctx,
      makePipeline("wont-start", script, "items", { config: { environment_variables: { NODE_OPTIONS: "--no-such-option" } } }),
    );
    assert.equal(wontStart.status, "failed");
    assert.match(
      wontStart.reason,
      /init\(\) failed in every worker process: worker process \d+ exited \(code \d+\) before init\(\) finished: .*--no-such-option/,
    );

    const noRun = makeEntryScript(ctx, "norun.mjs", "export function init() {}");
    const missingRun = await runPipeline(ctx, makePipeline("norun", noRun, "items"));
    assert.equal(missingRun.status, "failed");
    assert.match(missingRun.reason, /has no run\(\) export/);
  });

  test("entry scripts in TypeScript run with a typed context", async () => {
    const script = makeEntryScript(
      ctx,
      "typed.ts",
      `import type { EntryContext, FileMiniBatch } from "${join(process.cwd(), "lib/sdk/entry-script.ts")}";
interface Row { file: string; size: number }
export function run(batch: FileMiniBatch, ctx: EntryContext): Row[] {
  return batch.map((p) => ({ file: ctx.relativePath(p), size: p.length satisfies number }));
}`,
    );
    const { status, step } = await runPipeline(ctx, makePipeline("typed", script, "items"));
    assert.equal(status, "completed");
    assert.equal(output(step)[0], "file,size");
    assert.equal(step.succeededItems, 23);
  });
});
