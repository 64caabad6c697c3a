import { readFloatInitializers } from "../../lib/onnx/read";
import { floatTensor, node, type GraphSpec } from "../../lib/onnx/write";
import type { Mlp } from "./mlp";

export const MNIST_INPUT = "image";
export const MNIST_OUTPUT = "probabilities";

/**
 * The MLP as an ONNX graph: image [N,1,28,28] float32 (0..1, NCHW) -> Flatten -> Gemm -> Relu
 * -> Gemm -> Softmax -> probabilities [N,10].
 */
export function mlpGraph(mlp: Mlp, side = 28): GraphSpec {
  if (side * side !== mlp.inputs) throw new Error(`mlpGraph: ${side}x${side} images do not fit ${mlp.inputs} inputs`);
  return {
    name: "mnist_mlp",
    docString: `MNIST digit classifier: ${mlp.inputs}-${mlp.hidden}-${mlp.classes} perceptron`,
    inputs: [{ name: MNIST_INPUT, type: "float32", shape: ["N", 1, side, side] }],
    outputs: [{ name: MNIST_OUTPUT, type: "float32", shape: ["N", mlp.classes] }],
    initializers: mlpInitializers(mlp),
    nodes: [
      node("Flatten", [MNIST_INPUT], ["flat"], { axis: { int: 1 } }),
      ...mlpNodes("flat", "logits"),
      node("Softmax", ["logits"], [MNIST_OUTPUT], { axis: { int: 1 } }),
    ],
  };
}

/** The weights as initializers w1, b1, w2, b2 (shared with graphs that feed the MLP differently). */
export function mlpInitializers(mlp: Mlp) {
  return [
    floatTensor("w1", [mlp.inputs, mlp.hidden], mlp.w1),
    floatTensor("b1", [mlp.hidden], mlp.b1),
    floatTensor("w2", [mlp.hidden, mlp.classes], mlp.w2),
    floatTensor("b2", [mlp.classes], mlp.b2),
  ];
}

/** Gemm -> Relu -> Gemm from a [N, inputs] tensor to [N, classes] logits. */
export function mlpNodes(input: string, output: string) {
  return [node("Gemm", [input, "w1", "b1"], ["hidden_pre"]), node("Relu", ["hidden_pre"], ["hidden"]), node("Gemm", ["hidden", "w2", "b2"], [output])];
}

/** The MLP back from a model written by mlpGraph (or any graph with w1, b1, w2, b2). */
export function mlpFromOnnx(bytes: Uint8Array): Mlp {
  const weights = readFloatInitializers(bytes);
  const get = (name: string) => {
    const w = weights.get(name);
    if (!w) throw new Error(`model has no float initializer '${name}'`);
    return w;
  };
  const w1 = get("w1");
  const w2 = get("w2");
  return { inputs: w1.dims[0]!, hidden: w1.dims[1]!, classes: w2.dims[1]!, w1: w1.data, b1: get("b1").data, w2: w2.data, b2: get("b2").data };
}
