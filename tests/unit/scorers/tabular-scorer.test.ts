import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AppError } from "../../../lib/errors";
import { writeModel } from "../../../lib/onnx/write";
import type { TabularMiniBatch, TabularRow } from "../../../lib/sdk/entry-script";
import { parseTabularScorerSettings } from "../../../lib/scorers/settings";
import * as tabular from "../../../lib/scorers/tabular-scorer";
import { affineGraph } from "../onnx/models";
import { makeContext } from "./context";

let dir: string;
let modelPath: string;
let fixedBatchPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "prs-tabular-"));
  modelPath = join(dir, "affine.onnx");
  await writeModel(modelPath, affineGraph());
  fixedBatchPath = join(dir, "affine-batch1.onnx");
  const fixed = affineGraph();
  fixed.inputs = [{ name: "x", type: "float32", shape: [1, 3] }];
  await writeModel(fixedBatchPath, fixed);
});
after(async () => {
  await tabular.shutdown();
  await rm(dir, { recursive: true, force: true });
});

const batchOf = (rows: TabularRow[], columns = ["id", "a", "b", "c", "note"]): TabularMiniBatch => Object.assign(rows, { columns });
const settings = (overrides: Record<string, unknown> = {}) => ({ kind: "onnx-tabular", model: "affine", modelPath, columns: ["a", "b", "c"], ...overrides });

async function score(s: Record<string, unknown>, batch: TabularMiniBatch) {
  const { ctx, failures } = makeContext(s);
  await tabular.init(ctx);
  const rows = await tabular.run(batch, ctx);
  await tabular.shutdown();
  return { rows, failures };
}

test("rows are scored in one tensor; a bad row fails alone with its reason", async () => {
  const batch = batchOf([
    { id: "r0", a: 0.1, b: "2", c: " -3 ", note: "ok" },
    { id: "r1", a: "abc", b: 1, c: 1, note: "text" },
    { id: "r2", a: 1, b: null, c: 1, note: "empty" },
    { id: "r3", a: 1, b: 2, note: "no c" },
    { id: "r4", a: 0, b: 0, c: 0.5, note: null },
  ]);
  const { rows, failures } = await score(settings(), batch);
  assert.deepEqual(rows, [
    { id: "r0", a: 0.1, b: "2", c: " -3 ", note: "ok", y_0: 1.2, y_1: 5, y_2: -5, sum: 1.1999998 },
    { id: "r4", a: 0, b: 0, c: 0.5, note: null, y_0: 1, y_1: 1, y_2: 2, sum: 4 },
  ]);
  assert.deepEqual(failures, [
    { item: 1, reason: "row 1: column 'a' is not a number: 'abc'" },
    { item: 2, reason: "row 2: column 'b' is not a number: ''" },
    { item: 3, reason: "row 3: column 'c' is missing" },
  ]);
});

test("chosen outputs with column names, kept columns, and a fixed batch dimension", async () => {
  const batch = batchOf([
    { id: 1, a: 1, b: 2, c: 3, note: "x" },
    { id: 2, a: 4, b: 5, c: 6, note: "y" },
    { id: 3, a: 7, b: 8, c: 9, note: "z" },
  ]);
  const chosen = { outputs: [{ name: "sum", column: "total" }, { name: "y" }], keepColumns: ["id"] };
  const { rows } = await score(settings(chosen), batch);
  assert.deepEqual(rows, [
    { id: 1, total: 15, y_0: 3, y_1: 5, y_2: 7 },
    { id: 2, total: 33, y_0: 9, y_1: 11, y_2: 13 },
    { id: 3, total: 51, y_0: 15, y_1: 17, y_2: 19 },
  ]);
  const oneAtATime = await score(settings({ ...chosen, modelPath: fixedBatchPath }), batch);
  assert.deepEqual(oneAtATime.rows, rows);
});

async function refusal(action: () => Promise<unknown>): Promise<string> {
  const error = await action().then(
    () => assert.fail("accepted"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError, String(error));
  return error.message;
}

test("settings that do not fit the model are refused at init", async () => {
  const init = (s: Record<string, unknown>) => () => tabular.init(makeContext(s).ctx);
  assert.equal(
    await refusal(init(settings({ columns: ["a", "b"] }))),
    "model input 'x' [N,3] float32 takes 3 values per row but columns lists 2 (a, b); list 3 columns in the model's order",
  );
  assert.match(
    await refusal(init(settings({ outputs: [{ name: "proba" }] }))),
    /no output named 'proba'; its outputs are 'y' \[N,3\] float32, 'sum' \[N\] float32/,
  );
  assert.match(await refusal(init(settings({ inputName: "features" }))), /no input named 'features'; its inputs are 'x' \[N,3\] float32/);
  assert.throws(() => parseTabularScorerSettings(settings({ columns: [] })), /tabular scorer settings: columns: /);
});

test("a configured column absent from the data fails the mini-batch with the data's columns", async () => {
  const { ctx } = makeContext(settings({ columns: ["a", "b", "d"] }));
  await tabular.init(ctx);
  const message = await refusal(async () => tabular.run(batchOf([{ id: 1, a: 1, b: 2, c: 3, note: "" }]), ctx));
  assert.equal(message, "column 'd' not in the data (its columns: id, a, b, c, note); fix columns in the scorer settings");
  await tabular.shutdown();
});
