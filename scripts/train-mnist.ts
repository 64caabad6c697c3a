/**
 * Trains the MNIST digit classifier and writes it as ONNX.
 *
 *   npx tsx scripts/train-mnist.ts --out data/models/mnist.onnx [--epochs 5] [--seed 1]
 */
import { writeFile, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Tensor } from "onnxruntime-node";
import { errorMessage } from "../lib/errors";
import { loadMnist } from "../samples/mnist/idx";
import { argmax } from "../samples/mnist/mlp";
import { trainMnistModel } from "../samples/mnist/model-file";
import { MNIST_INPUT, MNIST_OUTPUT } from "../samples/mnist/onnx-export";
import { loadModel } from "../lib/onnx/session";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: "string" }, epochs: { type: "string", default: "5" }, seed: { type: "string", default: "1" } },
  });
  if (!values.out) throw new Error("usage: npx tsx scripts/train-mnist.ts --out <file.onnx> [--epochs 5] [--seed 1]");
  const epochs = integer("epochs", values.epochs, 1);
  const seed = integer("seed", values.seed, 0);
  const out = resolve(values.out);

  const started = performance.now();
  const train = loadMnist("train");
  const test = loadMnist("test");
  console.log(`Training 784-128-10 MLP on ${train.count} images, ${epochs} epochs, seed ${seed}`);
  const model = trainMnistModel(
    {
      epochs,
      seed,
      onEpoch: (p) => console.log(`epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}, train accuracy ${pct(p.trainAccuracy)}, ${p.seconds.toFixed(1)} s`),
    },
    { train, test },
  );
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, model.onnx);
  const onnxAccuracy = await accuracyThroughOnnx(out, test);
  console.log(`Wrote ${out} (${model.onnx.length} bytes) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`Test accuracy on ${test.count} images: ${pct(onnxAccuracy)} (onnxruntime), ${pct(model.testAccuracy)} (training code)`);
}

async function accuracyThroughOnnx(path: string, test: ReturnType<typeof loadMnist>): Promise<number> {
  const { session } = await loadModel(path);
  const input = Float32Array.from(test.images, (p) => p / 255);
  const result = await session.run({ [MNIST_INPUT]: new Tensor("float32", input, [test.count, 1, test.rows, test.cols]) });
  const probabilities = result[MNIST_OUTPUT]!.data as Float32Array;
  let correct = 0;
  for (let n = 0; n < test.count; n++) if (argmax(probabilities.subarray(n * 10, n * 10 + 10)) === test.labels[n]) correct++;
  await session.release();
  return correct / test.count;
}

function integer(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

main().catch((error: unknown) => {
  console.error(errorMessage(error));
  process.exitCode = 1;
});
