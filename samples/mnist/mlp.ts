import type { MnistSet } from "./idx";
import type { SeededRandom } from "./random";

/**
 * A one-hidden-layer perceptron on 0..1 pixels. Weights are stored input-major, as ONNX Gemm
 * takes them without transposition: w1[i * hidden + j], w2[j * classes + k].
 */
export interface Mlp {
  inputs: number;
  hidden: number;
  classes: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** He-initialised weights (normal, std sqrt(2 / fan-in)), zero biases. */
export function createMlp(inputs: number, hidden: number, classes: number, rng: SeededRandom): Mlp {
  const w1 = new Float32Array(inputs * hidden);
  const w2 = new Float32Array(hidden * classes);
  const s1 = Math.sqrt(2 / inputs);
  const s2 = Math.sqrt(2 / hidden);
  for (let i = 0; i < w1.length; i++) w1[i] = rng.normal() * s1;
  for (let i = 0; i < w2.length; i++) w2[i] = rng.normal() * s2;
  return { inputs, hidden, classes, w1, b1: new Float32Array(hidden), w2, b2: new Float32Array(classes) };
}

/** Class scores (logits) of one image given as 0..255 bytes. */
export function logits(mlp: Mlp, pixels: Uint8Array, hiddenOut: Float64Array, out: Float64Array): void {
  const { hidden: h, classes: k, w1, b1, w2, b2 } = mlp;
  for (let j = 0; j < h; j++) hiddenOut[j] = b1[j]!;
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    if (p === 0) continue;
    const x = Math.fround(p / 255);
    const row = i * h;
    for (let j = 0; j < h; j++) hiddenOut[j] = hiddenOut[j]! + x * w1[row + j]!;
  }
  for (let c = 0; c < k; c++) out[c] = b2[c]!;
  for (let j = 0; j < h; j++) {
    const a = hiddenOut[j]!;
    if (a <= 0) continue;
    const row = j * k;
    for (let c = 0; c < k; c++) out[c] = out[c]! + a * w2[row + c]!;
  }
}

/** Share of images whose highest score is their label. */
export function accuracy(mlp: Mlp, set: MnistSet): number {
  const size = set.rows * set.cols;
  const hidden = new Float64Array(mlp.hidden);
  const scores = new Float64Array(mlp.classes);
  let correct = 0;
  for (let n = 0; n < set.count; n++) {
    logits(mlp, set.images.subarray(n * size, (n + 1) * size), hidden, scores);
    if (argmax(scores) === set.labels[n]) correct++;
  }
  return correct / set.count;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
