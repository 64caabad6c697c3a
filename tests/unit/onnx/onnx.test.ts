import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Tensor } from "onnxruntime-node";
import { AppError } from "../../../lib/errors";
import { inspectModel } from "../../../lib/onnx/inspect";
import { readFloatInitializers } from "../../../lib/onnx/read";
import { loadModel } from "../../../lib/onnx/session";
import { encodeModel, writeModel } from "../../../lib/onnx/write";
import { affineGraph } from "./models";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "prs-onnx-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a written model loads in onnxruntime and reports its signature with symbolic dims", async () => {
  const path = join(dir, "affine.onnx");
  await writeModel(path, affineGraph());
  assert.deepEqual(await inspectModel(path), {
    inputs: [{ name: "x", type: "float32", shape: ["N", 3] }],
    outputs: [
      { name: "y", type: "float32", shape: ["N", 3] },
      { name: "sum", type: "float32", shape: ["N"] },
    ],
  });
  const { session } = await loadModel(path);
  const out = await session.run({ x: new Tensor("float32", Float32Array.of(0, 1, 2, -1, 0.5, 3), [2, 3]) });
  assert.deepEqual(Array.from(out.y!.data as Float32Array), [1, 3, 5, -1, 2, 7]);
  assert.deepEqual(Array.from(out.sum!.data as Float32Array), [9, 8]);
  await session.release();
});

test("encoding is deterministic and initializers read back", () => {
  const a = encodeModel(affineGraph());
  assert.deepEqual(a, encodeModel(affineGraph()));
  const weights = readFloatInitializers(a);
  assert.deepEqual(Array.from(weights.get("two")!.data), [2]);
  assert.deepEqual(weights.get("one")!.dims, [1]);
});

async function refusal(path: string): Promise<AppError> {
  const error = await inspectModel(path).then(
    () => assert.fail(`${path} was accepted`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError, `expected AppError, got ${String(error)}`);
  return error;
}

test("a text file, a truncated model and an empty file are refused with a clear message", async () => {
  const text = join(dir, "notes.onnx");
  await writeFile(text, "this is not a model\n");
  const truncated = join(dir, "truncated.onnx");
  await writeFile(truncated, encodeModel(affineGraph()).subarray(0, 60));
  const empty = join(dir, "empty.onnx");
  await writeFile(empty, "");
  for (const [path, name] of [
    [text, "notes.onnx"],
    [truncated, "truncated.onnx"],
    [empty, "empty.onnx"],
  ] as const) {
    const error = await refusal(path);
    assert.equal(error.code, "invalid_input");
    assert.match(error.message, new RegExp(`^${name.replace(".", "\\.")} is not a valid ONNX model: \\S`));
    assert.doesNotMatch(error.message, /\n|\bat \//, "no stack trace in the message");
  }
});

test("a missing model file is reported as not found", async () => {
  const error = await refusal(join(dir, "absent.onnx"));
  assert.equal(error.code, "not_found");
  assert.match(error.message, /absent\.onnx does not exist/);
});
