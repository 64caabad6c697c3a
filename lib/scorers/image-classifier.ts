/**
 * Built-in entry script `onnx-image-classifier`: PNG/JPEG files in, one row
 * `{ file, label, probability }` per image out. Settings come from `ctx.settings`
 * (ImageClassifierSettings plus the resolved modelPath and labelsPath).
 */
import { invalid } from "../errors";
import type { EntryContext, MiniBatch, ResultRow } from "../sdk/entry-script";
import { ImageClassifier } from "./image-classifier-core";
import { handedSettings } from "./handed-settings";
import type { ResolvedImageClassifierSettings } from "./types";

let classifier: ImageClassifier | undefined;

export async function init(ctx: EntryContext): Promise<void> {
  await classifier?.close();
  classifier = undefined;
  classifier = await ImageClassifier.open(handedSettings<ResolvedImageClassifierSettings>("image classifier", ctx.settings));
  ctx.logger.info(`image classifier: ${classifier.plan.summary}`);
}

export async function run(miniBatch: MiniBatch, ctx: EntryContext): Promise<ResultRow[]> {
  if (!classifier) throw new Error("image classifier: run() was called before init()");
  if (!isFileBatch(miniBatch)) throw invalid("image classifier: the input is a tabular dataset; it takes a file dataset of PNG or JPEG images");
  return classifier.classify(miniBatch, ctx);
}

export async function shutdown(): Promise<void> {
  await classifier?.close();
  classifier = undefined;
}

function isFileBatch(batch: MiniBatch): batch is string[] {
  return !("columns" in batch) && batch.every((item) => typeof item === "string");
}
