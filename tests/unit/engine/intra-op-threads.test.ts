import assert from "node:assert/strict";
import { test } from "node:test";
import { ImageClassifierSettings, TabularScorerSettings } from "../../../lib/contracts/parallel-run-config";
import { intraOpThreads } from "../../../lib/engine/entry";

test("intra_op_threads auto shares the machine's cores among the step's processes; a number is kept", () => {
  assert.equal(intraOpThreads("auto", 1, 2), 2, "one process on two cores uses both");
  assert.equal(intraOpThreads("auto", 2, 2), 1);
  assert.equal(intraOpThreads("auto", 3, 8), 2);
  assert.equal(intraOpThreads("auto", 16, 4), 1, "never fewer than one");
  assert.equal(intraOpThreads(3, 1, 2), 3);
  assert.equal(intraOpThreads(undefined, 1, 4), 4);
});

test("scorer settings take intra_op_threads as auto (default) or a whole number, with a clear error otherwise", () => {
  assert.equal(ImageClassifierSettings.parse({ kind: "onnx-image-classifier", model: "m" }).intraOpThreads, "auto");
  assert.equal(ImageClassifierSettings.parse({ kind: "onnx-image-classifier", model: "m", intra_op_threads: 2 }).intraOpThreads, 2);
  assert.equal(TabularScorerSettings.parse({ kind: "onnx-tabular", model: "m", columns: ["a"], intraOpThreads: "auto" }).intraOpThreads, "auto");
  const bad = TabularScorerSettings.safeParse({ kind: "onnx-tabular", model: "m", columns: ["a"], intraOpThreads: 0 });
  assert.ok(!bad.success);
  assert.match(bad.error.issues.map((i) => i.message).join(" "), /intra_op_threads must be auto or a whole number from 1 to 256/);
});
