/**
 * The built-in tabular scorer through the engine: worker processes read CSV slices as records
 * (the scorer's fast path) and write the same output the row objects would give.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeModel } from "../../lib/onnx/write";
import { registerDataset } from "../../lib/services/datasets";
import { registerModel } from "../../lib/services/models";
import { makeTestContext, type TestContext } from "../support/context";
import { runPipeline } from "../support/factories";
import { affineGraph } from "../unit/onnx/models";

let ctx: TestContext;
before(async () => {
  ctx = await makeTestContext("sqlite");
});
after(async () => {
  await ctx?.cleanup();
});

test("onnx-tabular over CSV in two processes: input lines kept (rewritten where the row reader rewrites), outputs appended, a non-numeric cell fails its row naming line and column", async () => {
  const dir = join(ctx.workspace, "scores");
  mkdirSync(dir, { recursive: true });
  const lines = ["id,a,b,c,note"];
  for (let i = 0; i < 300; i++) {
    if (i === 7) lines.push("7,1,abc,3,bad");
    else if (i === 11) lines.push('11,"1.5",2,3,"a, b"');
    else lines.push(`${i},${i % 5}.50,${i % 3},-${i % 4},n${i}`);
  }
  writeFileSync(join(dir, "t.csv"), `${lines.join("\r\n")}\r\n\r\n`);
  const modelFile = join(ctx.env.dataDir, "affine.onnx");
  await writeModel(modelFile, affineGraph());
  await registerModel(ctx.db, join(ctx.env.dataDir, "models"), { name: "affine", file: modelFile });
  await registerDataset(ctx.db, ctx.access, { name: "scores", kind: "tabular", datastore: "workspace", paths: ["scores/t.csv"], options: { format: "csv" } });
  const result = await runPipeline(ctx, {
    name: "tabular-fast",
    steps: [
      {
        name: "score",
        inputs: [{ dataset: "scores" }],
        parallel_run_config: {
          scorer: { kind: "onnx-tabular", model: "affine", columns: ["a", "b", "c"] },
          mini_batch_size: "2KB",
          error_threshold: 5,
          output_action: "append_row",
          node_count: 1,
          process_count_per_node: 2,
          run_max_try: 1,
        },
        allow_reuse: false,
      },
    ],
  });
  assert.equal(result.status, "completed");
  assert.equal(result.step.failedItems, 1);
  assert.ok(result.step.totalMiniBatches > 2, "several mini-batches");
  const out = readFileSync(join(result.step.outputDir, "parallel_run_step.txt"), "utf8").split("\n");
  assert.equal(out[0], "id,a,b,c,note,y_0,y_1,y_2,sum");
  assert.equal(out.length, 1 + 299 + 1, "299 rows and a final line break");
  assert.equal(out[1], "0,0.5,0,0,n0,2,1,1,4");
  assert.equal(out[3], "2,2.5,2,-2,n2,6,5,-3,8", "2.50 is written 2.5, as the row reader reads it");
  assert.equal(out[11], '11,1.5,2,3,"a, b",4,5,7,16', "a quoted field is written as a CSV field");
  assert.deepEqual(
    out.slice(1, -1).map((l) => Number(l.split(",")[0])),
    Array.from({ length: 300 }, (_, i) => i).filter((i) => i !== 7),
  );
  const errors = readFileSync(join(result.run.runDir, "score", "logs", "job_error.txt"), "utf8");
  // This wording comes from the records path only: the worker read the CSV as records.
  assert.match(errors, /file 'scores\/t\.csv' line 9 \(row 7\): column 'b' is not a number: 'abc'/);
});
