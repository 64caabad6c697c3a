/**
 * What the benchmark builds for itself: a compute-bound convolutional network with random weights
 * (throughput is what it measures, not accuracy), a small tabular model, and a large CSV file.
 */
import { createWriteStream, existsSync, renameSync } from "node:fs";
import { floatTensor, node, writeModel } from "../../lib/onnx/write";
import { seeded as seededRandom } from "../../tests/support/random";

/** Multiply-adds per 28x28 image of the CNN below: conv 1->32 3x3 (pad 1) + conv 32->48 3x3 + dense. */
export const CNN_MACS = 28 * 28 * 32 * 9 + 26 * 26 * 48 * 32 * 9 + 48 * 10;

function randomWeights(count: number, scale: number, random: () => number): Float32Array {
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) w[i] = (random() * 2 - 1) * scale;
  return w;
}

/** A convolutional network of about 10 M multiply-adds per image on [N,1,28,28] input, 10 classes. */
export async function writeCnnModel(path: string): Promise<void> {
  if (existsSync(path)) return;
  const random = seededRandom(12);
  await writeModel(`${path}.partial`, {
    name: "bench-cnn",
    inputs: [{ name: "image", type: "float32", shape: ["N", 1, 28, 28] }],
    outputs: [{ name: "scores", type: "float32", shape: ["N", 10] }],
    initializers: [
      floatTensor("w1", [32, 1, 3, 3], randomWeights(32 * 9, 0.3, random)),
      floatTensor("b1", [32], randomWeights(32, 0.1, random)),
      floatTensor("w2", [48, 32, 3, 3], randomWeights(48 * 32 * 9, 0.05, random)),
      floatTensor("b2", [48], randomWeights(48, 0.1, random)),
      floatTensor("w3", [48, 10], randomWeights(480, 0.2, random)),
      floatTensor("b3", [10], randomWeights(10, 0.1, random)),
    ],
    nodes: [
      node("Conv", ["image", "w1", "b1"], ["c1"], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } }),
      node("Relu", ["c1"], ["r1"]),
      node("Conv", ["r1", "w2", "b2"], ["c2"], { kernel_shape: { ints: [3, 3] } }),
      node("Relu", ["c2"], ["r2"]),
      node("GlobalAveragePool", ["r2"], ["pooled"]),
      node("Flatten", ["pooled"], ["flat"]),
      node("Gemm", ["flat", "w3", "b3"], ["logits"]),
      node("Softmax", ["logits"], ["scores"], { axis: { int: 1 } }),
    ],
  });
  renameSync(`${path}.partial`, path);
}

export const TABULAR_COLUMNS = ["f0", "f1", "f2", "f3"];

/** A linear model over 4 features with 3 class scores: [N,4] -> [N,3]. */
export async function writeTabularModel(path: string): Promise<void> {
  if (existsSync(path)) return;
  const random = seededRandom(7);
  await writeModel(`${path}.partial`, {
    name: "bench-tabular",
    inputs: [{ name: "x", type: "float32", shape: ["N", 4] }],
    outputs: [{ name: "score", type: "float32", shape: ["N", 3] }],
    initializers: [floatTensor("w", [4, 3], randomWeights(12, 1, random)), floatTensor("b", [3], randomWeights(3, 0.1, random))],
    nodes: [node("Gemm", ["x", "w", "b"], ["logits"]), node("Softmax", ["logits"], ["score"], { axis: { int: 1 } })],
  });
  renameSync(`${path}.partial`, path);
}

/** A CSV of `rows` rows: id,f0,f1,f2,f3 (seeded, the same bytes every time). */
export async function writeTabularCsv(path: string, rows: number): Promise<void> {
  if (existsSync(path)) return;
  const random = seededRandom(3);
  const out = createWriteStream(`${path}.partial`);
  const chunk: string[] = ["id,f0,f1,f2,f3"];
  const flush = () => new Promise<void>((resolve) => (out.write(`${chunk.splice(0).join("\n")}\n`) ? resolve() : out.once("drain", resolve)));
  for (let i = 0; i < rows; i++) {
    chunk.push(`${i},${(random() * 10).toFixed(3)},${(random() * 10).toFixed(3)},${(random() * 10).toFixed(3)},${(random() * 10).toFixed(3)}`);
    if (chunk.length >= 10_000) await flush();
  }
  if (chunk.length > 0) await flush();
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  renameSync(`${path}.partial`, path);
}
