/**
 * Entry script of the large-digits sample: each photo (a large colour JPEG) is turned by sharp,
 * imported from the step's environment, into the 28x28 grayscale input of the MNIST model:
 * resized, made gray, the background level (the border's median) subtracted and the range
 * stretched so the digit is white on black as in MNIST. Writes file,label,probability,width,height.
 *
 *   npx prs test-script samples/large-digits/score.mjs data/datastore/large-digits --environment large-digits \
 *     --mini-batch-size 5 --arg=--model --arg=data/assets/mnist.onnx
 */
import * as ort from "onnxruntime-node";
import sharp from "sharp";

let session;

export async function init(ctx) {
  const model = ctx.args.model;
  if (!model) throw new Error("pass the model file: arguments: [--model, <path to mnist.onnx>]");
  session = await ort.InferenceSession.create(model);
  sharp.concurrency(1);
  ctx.logger.info(`sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}) from the environment; model ${model}`);
}

/** The photo as 784 floats in 0..1, and its original size. */
async function pixelsOf(path) {
  const image = sharp(path);
  const { width, height } = await image.metadata();
  const gray = await image.resize(28, 28, { fit: "fill", kernel: "lanczos3" }).grayscale().raw().toBuffer();
  const border = [];
  for (let i = 0; i < 28; i++) border.push(gray[i], gray[27 * 28 + i], gray[i * 28], gray[i * 28 + 27]);
  border.sort((a, b) => a - b);
  const background = border[border.length >> 1];
  let max = background + 1;
  for (const v of gray) if (v > max) max = v;
  const pixels = new Float32Array(784);
  for (let i = 0; i < 784; i++) pixels[i] = Math.max(0, gray[i] - background) / (max - background);
  return { pixels, width, height };
}

export async function run(batch, ctx) {
  const images = [];
  for (const path of batch) {
    try {
      images.push({ path, ...(await pixelsOf(path)) });
    } catch (error) {
      ctx.failItem(path, `cannot read ${ctx.relativePath(path)}: ${error.message}`);
    }
  }
  if (images.length === 0) return [];
  const input = new Float32Array(images.length * 784);
  images.forEach((img, i) => input.set(img.pixels, i * 784));
  const output = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", input, [images.length, 1, 28, 28]) });
  const scores = output[session.outputNames[0]].data;
  return images.map((img, i) => {
    const row = Array.from(scores.subarray(i * 10, i * 10 + 10));
    const label = row.indexOf(Math.max(...row));
    return { file: ctx.relativePath(img.path), label, probability: Number(row[label].toFixed(6)), width: img.width, height: img.height };
  });
}
