/**
 * Writes the MNIST test digits as large colour JPEG photos (250-310 px square, a coloured
 * background, the digit in another colour), with sharp from a built environment, and the labels
 * as `file,label`. What the large-digits sample scores.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { loadMnist } from "../mnist/idx";

type Sharp = (
  input: Buffer,
  options: { raw: { width: number; height: number; channels: 3 } },
) => {
  resize(w: number, h: number, o: { kernel: string }): { jpeg(o: { quality: number }): { toFile(path: string): Promise<unknown> } };
};

/** Background and ink colours: dark backgrounds, light inks, varied hues. */
const BACKGROUNDS = [
  [20, 40, 90],
  [70, 20, 40],
  [15, 70, 45],
  [60, 50, 10],
  [40, 40, 40],
  [80, 30, 90],
];
const INKS = [
  [250, 230, 120],
  [200, 240, 255],
  [255, 200, 210],
  [220, 255, 200],
  [255, 255, 255],
];

export async function writeLargeDigits(environmentDir: string, outDir: string, labelsPath: string, limit = 10_000, concurrency = 8): Promise<number> {
  const sharp = createRequire(join(environmentDir, "package.json"))("sharp") as Sharp;
  const set = loadMnist("test");
  const count = Math.min(limit, set.count);
  mkdirSync(outDir, { recursive: true });
  const lines = ["file,label"];
  for (let n = 0; n < count; n++) lines.push(`${n}.jpg,${set.labels[n]}`);
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const n = next++;
      const bg = BACKGROUNDS[n % BACKGROUNDS.length]!;
      const ink = INKS[(n * 7) % INKS.length]!;
      const rgb = Buffer.alloc(28 * 28 * 3);
      for (let i = 0; i < 784; i++) {
        const a = set.images[n * 784 + i]! / 255;
        for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(bg[c]! * (1 - a) + ink[c]! * a);
      }
      const size = 250 + ((n * 37) % 61);
      await sharp(rgb, { raw: { width: 28, height: 28, channels: 3 } })
        .resize(size, size, { kernel: "cubic" })
        .jpeg({ quality: 88 })
        .toFile(join(outDir, `${n}.jpg`));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
  writeFileSync(labelsPath, `${lines.join("\n")}\n`);
  return count;
}
