import { readFileSync } from "node:fs";
import { Tensor, type InferenceSession } from "onnxruntime-node";
import { errorMessage, invalid } from "../errors";
import { decodeImage } from "../image/decode";
import { preprocessInto, valuesPerImage } from "../image/preprocess";
import { loadModel, threadsOf } from "../onnx/session";
import { planImageInput, type ImageInputPlan } from "./image-input";
import { readLabelsFile } from "./labels";
import type { ResolvedImageClassifierSettings } from "./types";
import { argmax, probabilityAt, roundSignificant } from "./values";

/** What classify() needs from the entry context. */
export interface ClassifyContext {
  relativePath(item: string): string;
  failItem(item: string, reason: string): void;
}

/** A type alias (not an interface) so rows stay assignable to ResultRow's Record<string, unknown>. */
export type ImageClassification = {
  file: string;
  label: string | number;
  probability: number;
};

/**
 * One model session with its input plan. Images are decoded into a reused batch tensor and
 * run `inferenceBatchSize` at a time: session.run's per-call cost is paid per chunk, not per image.
 */
export class ImageClassifier {
  private readonly perImage: number;
  private readonly batchSize: number;
  private readonly buffer: Float32Array;

  private constructor(
    private readonly session: InferenceSession,
    readonly plan: ImageInputPlan,
    private readonly labels: string[] | undefined,
    private readonly softmax: boolean | "auto",
    inferenceBatchSize: number,
  ) {
    this.perImage = valuesPerImage(plan.preprocess);
    this.batchSize = plan.fixedBatch ?? inferenceBatchSize;
    this.buffer = new Float32Array(this.batchSize * this.perImage);
  }

  static async open(settings: ResolvedImageClassifierSettings): Promise<ImageClassifier> {
    const { session, signature } = await loadModel(settings.modelPath, { intraOpNumThreads: threadsOf(settings.intraOpThreads) });
    try {
      const plan = planImageInput(signature, settings);
      const labels = settings.labels ?? (settings.labelsPath ? readLabelsFile(settings.labelsPath) : undefined);
      if (labels && plan.classes !== undefined && labels.length !== plan.classes) {
        throw invalid(
          `${labels.length} labels were given but model output '${plan.outputName}' has ${plan.classes} classes; give one label per class, in output order`,
        );
      }
      return new ImageClassifier(session, plan, labels, settings.softmax, settings.inferenceBatchSize);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** Classifies the files; an unreadable or undecodable file is reported via failItem and skipped. */
  async classify(paths: string[], ctx: ClassifyContext): Promise<ImageClassification[]> {
    const results: ImageClassification[] = [];
    let names: string[] = [];
    for (const path of paths) {
      const name = ctx.relativePath(path);
      try {
        const image = decodeImage(readImage(path, name), name);
        preprocessInto(image, this.plan.preprocess, this.buffer, names.length * this.perImage);
      } catch (error) {
        ctx.failItem(path, errorMessage(error));
        continue;
      }
      names.push(name);
      if (names.length === this.batchSize) {
        await this.infer(names, results);
        names = [];
      }
    }
    if (names.length > 0) await this.infer(names, results);
    return results;
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  private async infer(names: string[], results: ImageClassification[]): Promise<void> {
    const n = this.plan.fixedBatch ?? names.length;
    if (n > names.length) this.buffer.fill(0, names.length * this.perImage);
    const input = new Tensor("float32", this.buffer.subarray(0, n * this.perImage), this.plan.dims(n));
    const output = (await this.session.run({ [this.plan.inputName]: input }, [this.plan.outputName]))[this.plan.outputName];
    const scores = output?.data;
    if (!(scores instanceof Float32Array || scores instanceof Float64Array) || scores.length % n !== 0) {
      throw invalid(
        `model output '${this.plan.outputName}' returned ${output?.type ?? "nothing"} ${JSON.stringify(output?.dims ?? [])} for ${n} images; expected class scores [N, classes]`,
      );
    }
    const classes = scores.length / n;
    if (this.labels && this.labels.length !== classes) {
      throw invalid(`${this.labels.length} labels were given but model output '${this.plan.outputName}' has ${classes} classes`);
    }
    for (let i = 0; i < names.length; i++) {
      const start = i * classes;
      const best = argmax(scores, start, start + classes);
      const probability = probabilityAt(scores, start, start + classes, best, this.softmax);
      results.push({ file: names[i]!, label: this.labels ? this.labels[best]! : best, probability: roundSignificant(probability, 6) });
    }
  }
}

function readImage(path: string, name: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalid(`${name}: cannot read the file (${code ?? errorMessage(error)})`);
  }
}
