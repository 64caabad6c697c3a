import type { MnistSet } from "./idx";
import { createMlp, type Mlp } from "./mlp";
import { SeededRandom } from "./random";

export interface TrainOptions {
  epochs?: number;
  seed?: number;
  hidden?: number;
  batchSize?: number;
  learningRate?: number;
  momentum?: number;
  /** Train on the first `limit` images only (quick checks). */
  limit?: number;
  onEpoch?(progress: EpochProgress): void;
}

export interface EpochProgress {
  epoch: number;
  epochs: number;
  /** Mean cross-entropy over the epoch's images. */
  loss: number;
  /** Share of the epoch's images classified right before their update. */
  trainAccuracy: number;
  seconds: number;
}

export const TRAIN_DEFAULTS = { epochs: 5, seed: 1, hidden: 128, batchSize: 32, learningRate: 0.05, momentum: 0.9 } as const;

/**
 * Mini-batch SGD with momentum and cross-entropy on softmax, single-threaded so that a seed
 * fixes every weight bit for bit. Pixels are mostly zero, so the first layer works on each
 * image's non-zero pixels only; that keeps five epochs near 20 seconds.
 */
export function trainMlp(train: MnistSet, options: TrainOptions = {}): Mlp {
  const o = { ...TRAIN_DEFAULTS, ...options };
  const count = Math.min(o.limit ?? train.count, train.count);
  const rng = new SeededRandom(o.seed);
  const size = train.rows * train.cols;
  const mlp = createMlp(size, o.hidden, 10, rng);
  const sparse = toSparse(train, count);
  const { hidden: H, classes: K, w1, b1, w2, b2 } = mlp;

  const g1 = new Float32Array(w1.length);
  const gb1 = new Float64Array(H);
  const g2 = new Float64Array(w2.length);
  const gb2 = new Float64Array(K);
  const v1 = new Float32Array(w1.length);
  const vb1 = new Float64Array(H);
  const v2 = new Float64Array(w2.length);
  const vb2 = new Float64Array(K);
  const h = new Float64Array(H);
  const dh = new Float64Array(H);
  const z = new Float64Array(K);
  const order = Uint32Array.from({ length: count }, (_, i) => i);

  const totalSteps = o.epochs * Math.ceil(count / o.batchSize);
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const started = performance.now();
    rng.shuffle(order);
    let loss = 0;
    let correct = 0;
    for (let start = 0; start < count; start += o.batchSize) {
      const end = Math.min(start + o.batchSize, count);
      g1.fill(0);
      gb1.fill(0);
      g2.fill(0);
      gb2.fill(0);
      for (let b = start; b < end; b++) {
        const n = order[b]!;
        const from = sparse.offsets[n]!;
        const to = sparse.offsets[n + 1]!;
        // forward
        for (let j = 0; j < H; j++) h[j] = b1[j]!;
        for (let e = from; e < to; e++) {
          const x = sparse.values[e]!;
          const row = sparse.indices[e]! * H;
          for (let j = 0; j < H; j++) h[j] = h[j]! + x * w1[row + j]!;
        }
        for (let c = 0; c < K; c++) z[c] = b2[c]!;
        for (let j = 0; j < H; j++) {
          if (h[j]! <= 0) {
            h[j] = 0;
            continue;
          }
          const a = h[j]!;
          const row = j * K;
          for (let c = 0; c < K; c++) z[c] = z[c]! + a * w2[row + c]!;
        }
        let max = z[0]!;
        let best = 0;
        for (let c = 1; c < K; c++) {
          if (z[c]! > max) {
            max = z[c]!;
            best = c;
          }
        }
        let sum = 0;
        for (let c = 0; c < K; c++) {
          const e = Math.exp(z[c]! - max);
          z[c] = e;
          sum += e;
        }
        const label = train.labels[n]!;
        loss -= Math.log(z[label]! / sum);
        if (best === label) correct++;
        // backward: z becomes dLoss/dz = softmax - onehot
        for (let c = 0; c < K; c++) z[c] = z[c]! / sum - (c === label ? 1 : 0);
        for (let c = 0; c < K; c++) gb2[c] = gb2[c]! + z[c]!;
        for (let j = 0; j < H; j++) {
          const a = h[j]!;
          if (a === 0) {
            dh[j] = 0;
            continue;
          }
          const row = j * K;
          let d = 0;
          for (let c = 0; c < K; c++) {
            g2[row + c] = g2[row + c]! + a * z[c]!;
            d += w2[row + c]! * z[c]!;
          }
          dh[j] = d;
          gb1[j] = gb1[j]! + d;
        }
        for (let e = from; e < to; e++) {
          const x = sparse.values[e]!;
          const row = sparse.indices[e]! * H;
          for (let j = 0; j < H; j++) g1[row + j] = g1[row + j]! + x * dh[j]!;
        }
      }
      // cosine decay from learningRate to near zero over all steps
      const lr = (o.learningRate * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps))) / (end - start);
      step++;
      momentumStep(w1, v1, g1, lr, o.momentum);
      momentumStep(b1, vb1, gb1, lr, o.momentum);
      momentumStep(w2, v2, g2, lr, o.momentum);
      momentumStep(b2, vb2, gb2, lr, o.momentum);
    }
    o.onEpoch?.({ epoch, epochs: o.epochs, loss: loss / count, trainAccuracy: correct / count, seconds: (performance.now() - started) / 1000 });
  }
  return mlp;
}

function momentumStep(w: Float32Array, v: Float32Array | Float64Array, g: Float32Array | Float64Array, lr: number, mu: number): void {
  for (let i = 0; i < w.length; i++) {
    const next = mu * v[i]! - lr * g[i]!;
    v[i] = next;
    w[i] = w[i]! + next;
  }
}

/** Non-zero pixels of each image (CSR): about a fifth of MNIST's 784 pixels. */
function toSparse(set: MnistSet, count: number): { offsets: Uint32Array; indices: Uint16Array; values: Float32Array } {
  const size = set.rows * set.cols;
  let nonZero = 0;
  for (let i = 0; i < count * size; i++) if (set.images[i] !== 0) nonZero++;
  const offsets = new Uint32Array(count + 1);
  const indices = new Uint16Array(nonZero);
  const values = new Float32Array(nonZero);
  let e = 0;
  for (let n = 0; n < count; n++) {
    offsets[n] = e;
    for (let i = 0; i < size; i++) {
      const p = set.images[n * size + i]!;
      if (p === 0) continue;
      indices[e] = i;
      values[e++] = p / 255;
    }
  }
  offsets[count] = e;
  return { offsets, indices, values };
}
