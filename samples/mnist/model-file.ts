import { writeModel, encodeModel } from "../../lib/onnx/write";
import { loadMnist, type MnistSet } from "./idx";
import { accuracy, type Mlp } from "./mlp";
import { mlpGraph } from "./onnx-export";
import { trainMlp, type TrainOptions } from "./train";

export interface TrainedMnistModel {
  mlp: Mlp;
  /** The ONNX model's bytes. */
  onnx: Uint8Array;
  /** Accuracy of the JS forward pass on the 10,000 test images. */
  testAccuracy: number;
}

/** Trains the MNIST MLP on the 60,000 training images and serialises it as ONNX. */
export function trainMnistModel(options: TrainOptions = {}, sets?: { train: MnistSet; test: MnistSet }): TrainedMnistModel {
  const train = sets?.train ?? loadMnist("train");
  const test = sets?.test ?? loadMnist("test");
  const mlp = trainMlp(train, options);
  return { mlp, onnx: encodeModel(mlpGraph(mlp)), testAccuracy: accuracy(mlp, test) };
}

export async function writeMnistModel(path: string, mlp: Mlp): Promise<void> {
  await writeModel(path, mlpGraph(mlp));
}
