import type { Mlp } from "../../../samples/mnist/mlp";
import { mlpInitializers, mlpNodes } from "../../../samples/mnist/onnx-export";
import { floatTensor, int64Tensor, node, type GraphSpec } from "../../../lib/onnx/write";

/**
 * The trained MLP dressed as a model from another toolchain: input "input_1" [N,28,28,3]
 * (NHWC, RGB, raw 0..255 pixels), output "dense_1" [N,10]. Inside: mean over channels, /255,
 * reshape to [N,784], then the same weights.
 */
export function thirdPartyGraph(mlp: Mlp): GraphSpec {
  return {
    name: "keras_style_digits",
    inputs: [{ name: "input_1", type: "float32", shape: ["unk__6", 28, 28, 3] }],
    outputs: [{ name: "dense_1", type: "float32", shape: ["unk__7", 10] }],
    initializers: [floatTensor("inv255", [1], [1 / 255]), int64Tensor("flat_shape", [2], [-1, 784]), ...mlpInitializers(mlp)],
    nodes: [
      node("ReduceMean", ["input_1"], ["gray"], { axes: { ints: [3] }, keepdims: { int: 0 } }),
      node("Mul", ["gray", "inv255"], ["scaled"]),
      node("Reshape", ["scaled", "flat_shape"], ["flat"]),
      ...mlpNodes("flat", "logits"),
      node("Softmax", ["logits"], ["dense_1"], { axis: { int: 1 } }),
    ],
  };
}
