import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../../../lib/errors";
import {
  DEFAULT_BYTES_PER_MINI_BATCH,
  DEFAULT_FILES_PER_MINI_BATCH,
  miniBatchSizeProblem,
  outputDataKind,
  resolveMiniBatchSize,
  stepDataKind,
} from "../../../lib/pipeline/run-config-rules";

test("mini_batch_size counts files for file data and bytes for tabular data", () => {
  assert.equal(resolveMiniBatchSize(7, "file"), 7);
  assert.equal(resolveMiniBatchSize(" 12 ", "file"), 12);
  assert.equal(resolveMiniBatchSize("10MB", "tabular"), 10 * 1024 * 1024);
  assert.equal(resolveMiniBatchSize(4096, "tabular"), 4096);
  assert.equal(resolveMiniBatchSize(undefined, "file"), DEFAULT_FILES_PER_MINI_BATCH);
  assert.equal(resolveMiniBatchSize(undefined, "tabular"), DEFAULT_BYTES_PER_MINI_BATCH);
});

test("the same sentence explains a bad mini_batch_size in the designer and in the engine", () => {
  const designer = miniBatchSizeProblem("10MB", "file");
  assert.equal(designer, "mini_batch_size '10MB' is not valid for file data: give a whole number of files from 1 to 1000000 (e.g. 10)");
  assert.throws(
    () => resolveMiniBatchSize("10MB", "file", "Step 'score': mini_batch_size"),
    (e: unknown) => e instanceof AppError && e.code === "invalid_input" && e.message === `Step 'score': ${designer}`,
  );
  for (const bad of [0, "0", "", "ten", true, 1.5]) assert.throws(() => resolveMiniBatchSize(bad, "file"), /not valid for file data/, String(bad));
  for (const bad of [0, "1.5", "10XB", "-1MB", true]) assert.throws(() => resolveMiniBatchSize(bad, "tabular"), /not valid for tabular data/, String(bad));
});

test("with the data kind unknown, either meaning of mini_batch_size is accepted", () => {
  assert.equal(miniBatchSizeProblem("10", undefined), undefined);
  assert.equal(miniBatchSizeProblem("1MB", undefined), undefined);
  assert.match(miniBatchSizeProblem("lots", undefined) ?? "", /number of files >= 1 \(file data\) or a size/);
});

test("a step reads what its first input is; an upstream step's output is a table only with append_row", () => {
  assert.equal(stepDataKind(["tabular", "file"]), "tabular");
  assert.equal(stepDataKind(["file"]), "file");
  assert.equal(outputDataKind("append_row"), "tabular");
  assert.equal(outputDataKind("summary_only"), "file");
});
