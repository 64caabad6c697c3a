import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { loadMnist } from "./idx";
import { trainMnistModel } from "./model-file";
import { writeMnistPngs } from "./test-images";
import type { TrainOptions } from "./train";

export interface MnistAssetPaths {
  /** The ONNX digit classifier. */
  modelPath: string;
  /** Folder of the 10,000 test images as 0.png .. 9999.png. */
  imagesDir: string;
  /** CSV file,label for those images. */
  labelsPath: string;
}

export interface EnsureMnistOptions extends Omit<TrainOptions, "onEpoch"> {
  /** Progress lines (training epochs, files written). */
  log?(message: string): void;
}

export interface EnsuredMnistAssets {
  trainedModel: boolean;
  wroteImages: boolean;
}

/**
 * Creates what is missing of the demo assets: trains the model (about 15-20 s) only if the
 * model file is absent, writes the images only if the labels file is absent (it is written
 * last, so its presence means the images are complete). Files appear atomically.
 */
export async function ensureMnistAssets(options: MnistAssetPaths & EnsureMnistOptions): Promise<EnsuredMnistAssets> {
  const { modelPath, imagesDir, labelsPath, log = () => {}, ...training } = options;
  const result: EnsuredMnistAssets = { trainedModel: false, wroteImages: false };
  if (!existsSync(modelPath)) {
    log("Training the MNIST digit classifier (784-128-10 MLP, about 20 s)...");
    const model = trainMnistModel({
      ...training,
      onEpoch: (p) => log(`  epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}, ${p.seconds.toFixed(1)} s`),
    });
    await mkdir(dirname(modelPath), { recursive: true });
    const partial = `${modelPath}.${process.pid}.partial`;
    await writeFile(partial, model.onnx);
    await rename(partial, modelPath);
    log(`Wrote ${modelPath} (test accuracy ${(model.testAccuracy * 100).toFixed(2)}%).`);
    result.trainedModel = true;
  }
  if (!existsSync(labelsPath)) {
    const partial = `${labelsPath}.${process.pid}.partial`;
    await mkdir(dirname(labelsPath), { recursive: true });
    const count = await writeMnistPngs(loadMnist("test"), imagesDir, partial);
    await rename(partial, labelsPath);
    log(`Wrote ${count} MNIST test images to ${imagesDir}.`);
    result.wroteImages = true;
  }
  return result;
}
