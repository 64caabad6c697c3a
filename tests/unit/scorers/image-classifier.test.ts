import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AppError } from "../../../lib/errors";
import { loadMnist, type MnistSet } from "../../../samples/mnist/idx";
import { argmax, logits, type Mlp } from "../../../samples/mnist/mlp";
import { mlpFromOnnx, mlpGraph } from "../../../samples/mnist/onnx-export";
import { writeModel } from "../../../lib/onnx/write";
import * as classifier from "../../../lib/scorers/image-classifier";
import { parseImageClassifierSettings } from "../../../lib/scorers/settings";
import { trainedMnistModel } from "../mnist/trained-model";
import { makeContext } from "./context";
import { DIGIT_LABELS, imageSettings, writeDigits } from "./fixtures";

const COUNT = 2000;
let dir: string;
let modelPath: string;
let mlp: Mlp;
let digits: MnistSet;
let pngs: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "prs-classifier-"));
  const model = await trainedMnistModel();
  modelPath = model.path;
  mlp = mlpFromOnnx(model.bytes);
  digits = loadMnist("test");
  pngs = await writeDigits(digits, join(dir, "png"), COUNT);
});
after(async () => {
  await classifier.shutdown();
  await rm(dir, { recursive: true, force: true });
});

/** What the training code's forward pass predicts for test digit n. */
function expected(n: number): number {
  const scores = new Float64Array(10);
  logits(mlp, digits.images.subarray(n * 784, (n + 1) * 784), new Float64Array(mlp.hidden), scores);
  return argmax(scores);
}

async function classify(settings: Record<string, unknown>, paths: string[]) {
  const { ctx, failures, logs } = makeContext(settings);
  await classifier.init(ctx);
  const rows = (await classifier.run(paths, ctx)) as { file: string; label: string | number; probability: number }[];
  await classifier.shutdown();
  return { rows, failures, logs };
}

test("PNG digits get the labels the model predicts, in batches, one row per image", async (t) => {
  const started = performance.now();
  const { rows, failures, logs } = await classify(imageSettings(modelPath, { labels: DIGIT_LABELS }), pngs);
  const seconds = (performance.now() - started) / 1000;
  t.diagnostic(`${COUNT} PNG files -> rows in ${seconds.toFixed(3)} s (${Math.round(COUNT / seconds).toLocaleString("en")} images/s incl. init)`);
  assert.deepEqual(failures, []);
  assert.match(logs.join("\n"), /input 'image' \[N,1,28,28\] float32: NCHW grayscale 28x28/);
  assert.equal(rows.length, COUNT);
  let correct = 0;
  rows.forEach((row, n) => {
    assert.equal(row.file, `${n}.png`);
    assert.equal(row.label, DIGIT_LABELS[expected(n)], `image ${n}`);
    assert.ok(row.probability > 0 && row.probability <= 1);
    assert.ok(String(row.probability).replace(/^0\.0*|\./g, "").length <= 6, `${row.probability} has more than 6 significant digits`);
    if (row.label === DIGIT_LABELS[digits.labels[n]!]) correct++;
  });
  assert.ok(correct / COUNT >= 0.97, `accuracy ${correct / COUNT}`);
});

test("speed: images per second through run() on one process", async (t) => {
  const { ctx } = makeContext(imageSettings(modelPath));
  await classifier.init(ctx);
  await classifier.run(pngs.slice(0, 256), ctx);
  const started = performance.now();
  await classifier.run(pngs, ctx);
  const seconds = (performance.now() - started) / 1000;
  t.diagnostic(`run(): ${Math.round(COUNT / seconds).toLocaleString("en")} images/s (read + decode + preprocess + inference, batch 256)`);
  await classifier.shutdown();
});

test("the batch size (setting or fixed by the model) does not change the results; no labels give class indices", async () => {
  const paths = pngs.slice(0, 50);
  const small = await classify(imageSettings(modelPath, { inferenceBatchSize: 7 }), paths);
  const large = await classify(imageSettings(modelPath), paths);
  assert.deepEqual(small.rows, large.rows);
  const fixedGraph = mlpGraph(mlp);
  // a model fixed to batches of 8: 50 images are 6 full batches and one padded with zeros
  fixedGraph.inputs = [{ name: "image", type: "float32", shape: [8, 1, 28, 28] }];
  const fixedPath = join(dir, "batch8.onnx");
  await writeModel(fixedPath, fixedGraph);
  const fixed = await classify(imageSettings(fixedPath), paths);
  assert.deepEqual(fixed.rows, large.rows);
  assert.equal(large.rows[0]!.label, expected(0));
  assert.equal(typeof large.rows[0]!.label, "number");
});

test("labels from a file; softmax applied on request", async () => {
  const labelsPath = join(dir, "labels.txt");
  await writeFile(labelsPath, `${DIGIT_LABELS.join("\n")}\n\n`);
  const paths = pngs.slice(0, 5);
  const raw = await classify(imageSettings(modelPath, { labelsPath }), paths);
  assert.deepEqual(
    raw.rows.map((r) => r.label),
    [0, 1, 2, 3, 4].map((n) => DIGIT_LABELS[expected(n)]),
  );
  // the model already outputs probabilities; softmax over them flattens towards 1/10
  const soft = await classify(imageSettings(modelPath, { labelsPath, softmax: true }), paths);
  soft.rows.forEach((row, i) => {
    const p = raw.rows[i]!.probability;
    assert.equal(row.label, raw.rows[i]!.label);
    assert.ok(Math.abs(row.probability - Math.exp(p) / (Math.exp(p) + 9 * Math.exp(0))) < 0.01, `${row.probability} vs ${p}`);
  });
});

test("bad files fail alone, by name; a JPEG among PNGs is classified", async () => {
  const bad = join(dir, "bad");
  const good = pngs.slice(0, 3);
  const bytes = readFileSync(pngs[3]!);
  const corrupt = Uint8Array.from(bytes);
  corrupt[40] = corrupt[40]! ^ 0x55;
  const files = {
    corrupt: join(dir, "corrupt.png"),
    truncated: join(dir, "truncated.png"),
    text: join(dir, "notes.txt"),
    missing: join(bad, "missing.png"),
  };
  await writeFile(files.corrupt, corrupt);
  await writeFile(files.truncated, bytes.subarray(0, bytes.length / 2));
  await writeFile(files.text, "not an image\n");
  const [jpegPath] = await writeDigits(digits, join(dir, "jpeg"), 1, "jpeg");

  const batch = [good[0]!, files.corrupt, good[1]!, files.truncated, files.text, jpegPath!, files.missing, good[2]!];
  const { rows, failures } = await classify(imageSettings(modelPath), batch);
  assert.deepEqual(
    rows.map((r) => r.file),
    ["0.png", "1.png", "0.jpg", "2.png"],
  );
  assert.equal(rows[2]!.label, expected(0), "the JPEG copy of digit 0");
  assert.deepEqual(
    failures.map((f) => f.item),
    [files.corrupt, files.truncated, files.text, files.missing],
  );
  const reasons = failures.map((f) => f.reason);
  assert.match(reasons[0]!, /^corrupt\.png: corrupt PNG: /);
  assert.match(reasons[1]!, /^truncated\.png: corrupt PNG: truncated file/);
  assert.equal(reasons[2], "notes.txt: not a PNG or JPEG image");
  assert.equal(reasons[3], "missing.png: cannot read the file (ENOENT)");
});

async function initRefusal(settings: Record<string, unknown>, raw = false): Promise<string> {
  const { ctx } = makeContext(settings, "/tmp", raw);
  const error = await classifier.init(ctx).then(
    () => assert.fail("init accepted the settings"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError, String(error));
  assert.equal(error.code, "invalid_input");
  return error.message;
}

test("settings that do not fit the model are refused at init with the input and setting named", async () => {
  assert.equal(
    await initRefusal(imageSettings(modelPath, { color: "rgb" })),
    "model input 'image' [N,1,28,28] float32 takes 1 channel (NCHW) but color is 'rgb' (3 channels); set color to 'grayscale' or 'auto'",
  );
  assert.match(await initRefusal(imageSettings(modelPath, { inputName: "pixels" })), /no input named 'pixels'; its inputs are 'image' \[N,1,28,28\] float32/);
  assert.match(await initRefusal(imageSettings(modelPath, { width: 32 })), /'image' \[N,1,28,28\] float32 takes width 28 but width is set to 32/);
  assert.match(
    await initRefusal(imageSettings(modelPath, { layout: "NHWC" })),
    /'image' \[N,1,28,28\] float32 has 28 channels at axis 3 for layout NHWC.*check layout/,
  );
  assert.match(await initRefusal(imageSettings(modelPath, { labels: ["a", "b"] })), /2 labels were given but model output 'probabilities' has 10 classes/);
  assert.match(await initRefusal(imageSettings(modelPath, { mean: [0.5, 0.5] })), /mean has 2 values; give one value or 1/);
  // Invalid settings are refused by the engine before any process starts (and at publish, by the
  // config contract); a worker handed none says so.
  assert.throws(() => parseImageClassifierSettings({ kind: "onnx-image-classifier", model: "mnist" }), /image classifier settings: modelPath: /);
  assert.throws(() => parseImageClassifierSettings(imageSettings(modelPath, { layout: "NWHC" as "NHWC" })), /image classifier settings: layout: /);
  assert.match(await initRefusal({ kind: "onnx-image-classifier", model: "mnist" }, true), /image classifier: settings are missing/);
});

test("a file that is not an ONNX model is refused at init by name", async () => {
  const fake = join(dir, "model.onnx");
  await writeFile(fake, "PK\u0003\u0004 not onnx");
  assert.match(await initRefusal(imageSettings(fake)), /^model\.onnx is not a valid ONNX model: /);
});
