/**
 * The tutorial's entry script (digit_identification.py) in TypeScript: init() loads the ONNX
 * model once per process, run() scores a mini-batch of PNG files and returns one row per image.
 *
 *   npx prs test-script samples/digit-identification/score.ts data/datastore/mnist --mini-batch-size 5 \
 *     --arg=--model --arg=data/assets/mnist.onnx
 */
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { PNG } from "pngjs";
import type { EntryContext, FileMiniBatch } from "../../lib/sdk/entry-script";

let session: ort.InferenceSession;

export async function init(ctx: EntryContext): Promise<void> {
  const model = ctx.args.model;
  if (!model) throw new Error("pass the model file: arguments: [--model, <path to mnist.onnx>]");
  session = await ort.InferenceSession.create(model);
  ctx.logger.info(`loaded ${model} in process ${ctx.processId}`);
}

export async function run(batch: FileMiniBatch, ctx: EntryContext): Promise<string[]> {
  const images: { path: string; pixels: Float32Array }[] = [];
  for (const path of batch) {
    try {
      const png = PNG.sync.read(readFileSync(path));
      const pixels = new Float32Array(784);
      for (let i = 0; i < 784; i++) pixels[i] = png.data[i * 4]! / 255;
      images.push({ path, pixels });
    } catch (error) {
      ctx.failItem(path, `cannot read ${ctx.relativePath(path)}: ${(error as Error).message}`);
    }
  }
  if (images.length === 0) return [];
  const input = new Float32Array(images.length * 784);
  images.forEach((img, i) => input.set(img.pixels, i * 784));
  const output = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", input, [images.length, 1, 28, 28]) });
  const probabilities = output[session.outputNames[0]!]!.data as Float32Array;
  return images.map((img, i) => {
    const row = probabilities.subarray(i * 10, i * 10 + 10);
    const digit = row.indexOf(Math.max(...row));
    return `${ctx.relativePath(img.path)}: ${digit}`;
  });
}
