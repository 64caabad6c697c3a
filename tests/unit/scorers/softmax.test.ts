import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ImageClassifierSettings } from "../../../lib/contracts/parallel-run-config";
import { writeModel } from "../../../lib/onnx/write";
import * as classifier from "../../../lib/scorers/image-classifier";
import { isDistribution, probabilityAt } from "../../../lib/scorers/values";
import { loadMnist } from "../../../samples/mnist/idx";
import { mlpFromOnnx, mlpGraph } from "../../../samples/mnist/onnx-export";
import { trainedMnistModel } from "../mnist/trained-model";
import { makeContext } from "./context";
import { imageSettings, writeDigits } from "./fixtures";

/**
 * `softmax: auto | true | false` of the built-in image classifier, with a model that outputs
 * logits (the sample MLP without its final Softmax, as third-party MNIST models often are).
 */

let dir: string;
let logitsPath: string;
let probabilitiesPath: string;
let pngs: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "prs-softmax-"));
  const model = await trainedMnistModel();
  probabilitiesPath = model.path;
  const graph = mlpGraph(mlpFromOnnx(model.bytes));
  const output = graph.outputs[0]!.name;
  // Drop the Softmax: Gemm's logits become the output itself.
  const nodes = graph.nodes.slice(0, -1).map((n) => ({ ...n, outputs: n.outputs.map((o) => (o === "logits" ? output : o)) }));
  logitsPath = join(dir, "logits.onnx");
  await writeModel(logitsPath, { ...graph, name: "mnist_logits", nodes });
  pngs = await writeDigits(loadMnist("test"), join(dir, "png"), 20);
});
after(async () => {
  await classifier.shutdown();
  await rm(dir, { recursive: true, force: true });
});

async function probabilities(modelPath: string, softmax?: boolean | "auto"): Promise<number[]> {
  const { ctx, failures } = makeContext(imageSettings(modelPath, softmax === undefined ? {} : { softmax }));
  await classifier.init(ctx);
  const rows = (await classifier.run(pngs, ctx)) as { probability: number }[];
  await classifier.shutdown();
  assert.deepEqual(failures, []);
  return rows.map((r) => r.probability);
}

test("a distribution is recognised: values in [0,1] summing to 1 within the tolerance", () => {
  assert.equal(isDistribution([0.1, 0.2, 0.7], 0, 3), true);
  assert.equal(isDistribution([0.1, 0.2, 0.6999], 0, 3), true);
  assert.equal(isDistribution([0.1, 0.2, 0.6], 0, 3), false, "sums to 0.9");
  assert.equal(isDistribution([-0.5, 0.5, 1], 0, 3), false, "a negative value");
  assert.equal(isDistribution([8062.96, -3, 1], 0, 3), false, "logits");
  assert.equal(isDistribution([Number.NaN, 0.5, 0.5], 0, 3), false, "NaN");
  assert.equal(isDistribution([9, 0.5, 0.5, 9], 1, 3), true, "only the row's range counts");
});

test("probabilityAt: auto applies softmax to logits only; true and false are obeyed", () => {
  const logits = [2, 1, 0];
  const soft = Math.exp(2) / (Math.exp(2) + Math.exp(1) + 1);
  assert.ok(Math.abs(probabilityAt(logits, 0, 3, 0, "auto") - soft) < 1e-12);
  assert.equal(probabilityAt(logits, 0, 3, 0, false), 2);
  const dist = [0.7, 0.2, 0.1];
  assert.equal(probabilityAt(dist, 0, 3, 0, "auto"), 0.7);
  assert.ok(probabilityAt(dist, 0, 3, 0, true) < 0.5, "softmax over probabilities flattens them");
});

test("the settings default to auto and refuse anything but auto, true or false", () => {
  const base = { kind: "onnx-image-classifier", model: "mnist" };
  assert.equal(ImageClassifierSettings.parse(base).softmax, "auto");
  assert.equal(ImageClassifierSettings.parse({ ...base, softmax: true }).softmax, true);
  const bad = ImageClassifierSettings.safeParse({ ...base, softmax: "yes" });
  assert.equal(bad.success, false);
  assert.match(JSON.stringify(bad.error?.issues), /softmax must be auto, true or false/);
});

test("a logits model: the default (auto) writes probabilities, softmax: false the raw logits", async () => {
  const auto = await probabilities(logitsPath);
  for (const p of auto) assert.ok(p > 0 && p <= 1, `${p} is not a probability`);
  const raw = await probabilities(logitsPath, false);
  assert.ok(
    raw.some((p) => p > 1),
    `raw logits of a confident model exceed 1: ${raw.slice(0, 5).join(", ")}`,
  );
  assert.deepEqual(await probabilities(logitsPath, true), auto);
});

test("a model that already outputs probabilities is left alone under auto", async () => {
  const auto = await probabilities(probabilitiesPath, "auto");
  assert.deepEqual(auto, await probabilities(probabilitiesPath, false));
  const forced = await probabilities(probabilitiesPath, true);
  assert.notDeepEqual(forced, auto);
});
