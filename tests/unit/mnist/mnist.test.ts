import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Tensor } from "onnxruntime-node";
import { decodeImage } from "../../../lib/image/decode";
import { ensureMnistAssets } from "../../../samples/mnist/assets";
import { loadMnist, type MnistSet } from "../../../samples/mnist/idx";
import { argmax } from "../../../samples/mnist/mlp";
import { trainMnistModel } from "../../../samples/mnist/model-file";
import { MNIST_INPUT, MNIST_OUTPUT } from "../../../samples/mnist/onnx-export";
import { loadModel } from "../../../lib/onnx/session";
import { cachedModelPath, storeModel } from "./trained-model";

let dir: string;
let train: MnistSet;
let testSet: MnistSet;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "prs-mnist-"));
  train = loadMnist("train");
  testSet = loadMnist("test");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("the IDX reader loads 60,000 training and 10,000 test digits", () => {
  assert.deepEqual([train.count, train.rows, train.cols, train.images.length], [60000, 28, 28, 60000 * 784]);
  assert.deepEqual([testSet.count, testSet.labels.length], [10000, 10000]);
  assert.ok(testSet.labels.every((l) => l <= 9));
  assert.deepEqual(Array.from(testSet.labels.subarray(0, 5)), [7, 2, 1, 0, 4]);
});

test("training is reproducible: same seed, same ONNX bytes; another seed, other bytes", () => {
  const quick = (seed: number) => trainMnistModel({ seed, epochs: 1, limit: 2000 }, { train, test: testSet }).onnx;
  const a = quick(7);
  assert.deepEqual(quick(7), a);
  assert.notDeepEqual(quick(8), a);
});

test("5 epochs reach >= 97.5% on the 10,000 test images through onnxruntime", async (t) => {
  const started = performance.now();
  const model = trainMnistModel({ seed: 1, epochs: 5 }, { train, test: testSet });
  t.diagnostic(`trained in ${((performance.now() - started) / 1000).toFixed(1)} s; JS forward accuracy ${(model.testAccuracy * 100).toFixed(2)}%`);

  const cached = cachedModelPath(1, 5);
  if (existsSync(cached)) assert.ok(readFileSync(cached).equals(model.onnx), "an earlier process trained the same bytes");
  else await storeModel(cached, model.onnx);

  const path = join(dir, "mnist.onnx");
  await storeModel(path, model.onnx);
  const { session, signature } = await loadModel(path);
  assert.deepEqual(signature.inputs, [{ name: MNIST_INPUT, type: "float32", shape: ["N", 1, 28, 28] }]);
  assert.deepEqual(signature.outputs, [{ name: MNIST_OUTPUT, type: "float32", shape: ["N", 10] }]);
  const input = Float32Array.from(testSet.images, (p) => p / 255);
  const result = await session.run({ [MNIST_INPUT]: new Tensor("float32", input, [10000, 1, 28, 28]) });
  await session.release();
  const probabilities = result[MNIST_OUTPUT]!.data as Float32Array;
  let correct = 0;
  for (let n = 0; n < 10000; n++) if (argmax(probabilities.subarray(n * 10, n * 10 + 10)) === testSet.labels[n]) correct++;
  t.diagnostic(`onnxruntime accuracy ${(correct / 100).toFixed(2)}%`);
  assert.ok(correct >= 9750, `accuracy ${correct / 100}% is below 97.5%`);
  assert.equal(correct / 10000, model.testAccuracy, "onnxruntime agrees with the training code's forward pass");
});

test("ensureMnistAssets writes 10,000 PNGs and labels once, and leaves an existing model alone", async (t) => {
  const modelPath = join(dir, "assets", "mnist.onnx");
  const imagesDir = join(dir, "store", "mnist");
  const labelsPath = join(dir, "store", "mnist_labels.csv");
  // the model written by the training test above: ensureMnistAssets must not retrain
  await storeModel(modelPath, new Uint8Array(await readFile(join(dir, "mnist.onnx"))));
  const modelTime = (await stat(modelPath)).mtimeMs;

  const started = performance.now();
  assert.deepEqual(await ensureMnistAssets({ modelPath, imagesDir, labelsPath }), { trainedModel: false, wroteImages: true });
  t.diagnostic(`wrote 10,000 PNG files in ${((performance.now() - started) / 1000).toFixed(2)} s`);

  const files = await readdir(imagesDir);
  assert.equal(files.length, 10000);
  assert.ok(files.includes("0.png") && files.includes("9999.png"));
  const labels = (await readFile(labelsPath, "utf8")).trim().split("\n");
  assert.deepEqual(labels.slice(0, 3), ["file,label", "0.png,7", "1.png,2"]);
  assert.equal(labels.length, 10001);
  const image = decodeImage(await readFile(join(imagesDir, "9999.png")), "9999.png");
  assert.deepEqual(image, { width: 28, height: 28, channels: 1, data: testSet.images.subarray(9999 * 784) });

  assert.deepEqual(await ensureMnistAssets({ modelPath, imagesDir, labelsPath }), { trainedModel: false, wroteImages: false });
  assert.equal((await stat(modelPath)).mtimeMs, modelTime);
});
