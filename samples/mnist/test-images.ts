import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encodePng } from "../../lib/image/png-encode";
import type { MnistSet } from "./idx";

export interface WriteImagesOptions {
  /** Write only the first `limit` images. */
  limit?: number;
  /** Files written at once; small files are bound by system calls, not bandwidth. */
  concurrency?: number;
}

/**
 * Writes MNIST images as 8-bit grayscale PNGs `<index>.png` into `dir`, and a CSV `file,label`
 * to `labelsPath`. Returns the number of images written.
 */
export async function writeMnistPngs(set: MnistSet, dir: string, labelsPath: string, options: WriteImagesOptions = {}): Promise<number> {
  const count = Math.min(options.limit ?? set.count, set.count);
  const size = set.rows * set.cols;
  await mkdir(dir, { recursive: true });
  const lines = ["file,label"];
  for (let n = 0; n < count; n++) lines.push(`${n}.png,${set.labels[n]}`);

  let next = 0;
  const writer = async () => {
    while (next < count) {
      const n = next++;
      const png = encodePng({ width: set.cols, height: set.rows, channels: 1, data: set.images.subarray(n * size, (n + 1) * size) });
      await writeFile(join(dir, `${n}.png`), png);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, writer));
  await writeFile(labelsPath, `${lines.join("\n")}\n`);
  return count;
}
