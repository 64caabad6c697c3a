import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AppError } from "../../../lib/errors";
import { loadMnist, type MnistSet } from "../../../samples/mnist/idx";
import { mlpFromOnnx } from "../../../samples/mnist/onnx-export";
import { inspectModel } from "../../../lib/onnx/inspect";
import { writeModel } from "../../../lib/onnx/write";
import * as classifier from "../../../lib/scorers/image-classifier";
import { trainedMnistModel } from "../mnist/trained-model";
import { makeContext } from "./context";
import { imageSettings, writeDigits, type DigitFormat } from "./fixtures";
import { thirdPartyGraph } from "./third-party-model";

const COUNT = 1000;
/** jpeg-js sets up its tables on every call (~15 ms per file), so fewer JPEGs. */
const JPEG_COUNT = 200;
let dir: string;
let originalPath: string;
let thirdPartyPath: string;
let digits: MnistSet;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "prs-third-party-"));
  const model = await trainedMnistModel();
  originalPath = model.path;
  thirdPartyPath = join(dir, "digits_nhwc.onnx");
  await writeModel(thirdPartyPath, thirdPartyGraph(mlpFromOnnx(model.bytes)));
  digits = loadMnist("test");
});
after(async () => {
  await classifier.shutdown();
  await rm(dir, { recursive: true, force: true });
});

async function labelsOf(settings: Record<string, unknown>, format: DigitFormat, count = COUNT): Promise<number[]> {
  const paths = await writeDigits(digits, join(dir, format), count, format);
  const { ctx, failures } = makeContext(settings);
  await classifier.init(ctx);
  const rows = (await classifier.run(paths, ctx)) as { label: number }[];
  await classifier.shutdown();
  assert.deepEqual(failures, []);
  return rows.map((r) => r.label);
}

const accuracy = (labels: number[]) => labels.filter((l, n) => l === digits.labels[n]).length / labels.length;

test("an NHWC, RGB, raw-pixel model with its own names runs by configuration alone", async (t) => {
  assert.deepEqual(await inspectModel(thirdPartyPath), {
    inputs: [{ name: "input_1", type: "float32", shape: ["unk__6", 28, 28, 3] }],
    outputs: [{ name: "dense_1", type: "float32", shape: ["unk__7", 10] }],
  });
  const thirdParty = imageSettings(thirdPartyPath, { layout: "NHWC", color: "rgb", scale: 1 });
  const original = await labelsOf(imageSettings(originalPath), "png");
  const rgbPng = await labelsOf(thirdParty, "rgb-png");
  const jpeg = await labelsOf(thirdParty, "jpeg", JPEG_COUNT);
  const originalOnJpegSubset = original.slice(0, JPEG_COUNT);
  const agree = rgbPng.filter((l, n) => l === original[n]).length / COUNT;
  t.diagnostic(
    `accuracy: original model on ${COUNT} gray PNGs ${accuracy(original)}, third-party on the RGB PNG copies ${accuracy(rgbPng)}; ` +
      `on the first ${JPEG_COUNT}: original ${accuracy(originalOnJpegSubset)}, third-party on JPEG copies ${accuracy(jpeg)}`,
  );
  assert.ok(agree >= 0.998, `RGB PNG labels agree with the original on only ${agree}`);
  assert.ok(accuracy(jpeg) >= accuracy(originalOnJpegSubset) - 0.015, `JPEG accuracy ${accuracy(jpeg)} vs ${accuracy(originalOnJpegSubset)}`);
});

test("the same model with the original model's settings is refused with a reason", async () => {
  const { ctx } = makeContext(imageSettings(thirdPartyPath, { color: "grayscale" }));
  await assert.rejects(classifier.init(ctx), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(
      error.message,
      "model input 'input_1' [unk__6,28,28,3] float32 takes 3 channels (NHWC) but color is 'grayscale' (1 channel); set color to 'rgb' or 'auto'",
    );
    return true;
  });
});
