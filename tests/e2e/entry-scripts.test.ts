import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadMnist } from "../../samples/mnist/idx";
import { registerDataset } from "../../lib/services/datasets";
import { makeEntryScript, makeTestContext, makeTextFiles, type TestContext } from "../support/context";
import { makeFileDataset, makePipeline, runPipeline } from "../support/factories";
import { trainedMnistModel } from "../unit/mnist/trained-model";
import { writeDigits } from "../unit/scorers/fixtures";

describe("entry scripts", () => {
  let ctx: TestContext;
  let model: string;
  before(async () => {
    ctx = await makeTestContext("sqlite");
    model = (await trainedMnistModel()).path;
    await writeDigits(loadMnist("test"), join(ctx.workspace, "digits"), 12, "png");
    writeFileSync(join(ctx.workspace, "digits", "broken.png"), "not a png");
  });
  after(async () => ctx.cleanup());

  test("prs test-script runs the tutorial's script on one mini-batch, like a worker", () => {
    const r = spawnSync(
      process.execPath,
      [
        "bin/prs.mjs",
        "test-script",
        "samples/digit-identification/score.ts",
        join(ctx.workspace, "digits"),
        "--mini-batch-size",
        "13",
        "--arg=--model",
        `--arg=${model}`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 12);
    assert.ok(lines.includes("0.png: 7"), r.stdout);
    assert.match(r.stderr, /RUN_DONE: 12 of 13 items succeeded, 1 failed/);
    assert.match(r.stderr, /failed item broken\.png: cannot read broken\.png/);
    const missing = spawnSync(process.execPath, ["bin/prs.mjs", "test-script", "samples/digit-identification/score.ts", join(ctx.workspace, "digits")], {
      encoding: "utf8",
    });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /init\(\) failed: pass the model file/);
  });

  test("side inputs, arguments, environment variables and logging_level reach the script", async () => {
    makeTextFiles(ctx, "ctx-items", 6);
    await makeFileDataset(ctx, "ctx-items", "ctx-items/");
    mkdirSync(join(ctx.workspace, "reference"), { recursive: true });
    writeFileSync(join(ctx.workspace, "reference", "labels.txt"), "zero\none\n");
    await registerDataset(ctx.db, ctx.access, { name: "labels", kind: "file", datastore: "workspace", paths: ["reference/labels.txt"] });
    const script = makeEntryScript(
      ctx,
      "context.mjs",
      `import { readFileSync } from "node:fs";
export function init(ctx) { ctx.logger.debug("debug line"); ctx.logger.warning("warning line"); }
export function run(batch, ctx) {
  const labels = readFileSync(ctx.sideInputs.labels[0], "utf8").trim().split("\\n");
  return batch.map((p) => ({ file: ctx.relativePath(p), label: labels[1], mode: ctx.args.mode, env: process.env.SCORING_MODE, node: ctx.nodeId }));
}`,
    );
    const def = makePipeline("context", script, "ctx-items", {
      config: { logging_level: "WARNING", environment_variables: { SCORING_MODE: "strict" }, node_count: 2, process_count_per_node: 1, mini_batch_size: 1 },
      step: { side_inputs: [{ dataset: "labels" }], arguments: ["--mode", "fast"] },
    });
    const { status, step, run } = await runPipeline(ctx, def);
    assert.equal(status, "completed");
    const rows = readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n");
    assert.equal(rows[0], "file,label,mode,env,node");
    assert.ok(
      rows.slice(1).every((r) => /^item-00\d\.txt,one,fast,strict,[01]$/.test(r)),
      rows.join("\n"),
    );
    const logRoot = join(run.runDir, "score-items", "logs", "user", "entry_script_log");
    const log = readdirSync(logRoot)
      .flatMap((node) => readdirSync(join(logRoot, node)).map((f) => readFileSync(join(logRoot, node, f), "utf8")))
      .join("");
    assert.match(log, /WARNING .*warning line/);
    assert.doesNotMatch(log, /debug line/);
  });
});
