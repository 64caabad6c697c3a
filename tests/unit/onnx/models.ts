import { floatTensor, int64Tensor, node, type GraphSpec } from "../../../lib/onnx/write";

/** y = x * 2 + 1 on [N,3] floats, with a second output "sum" [N] (row sums of y). */
export function affineGraph(): GraphSpec {
  return {
    name: "affine",
    inputs: [{ name: "x", type: "float32", shape: ["N", 3] }],
    outputs: [
      { name: "y", type: "float32", shape: ["N", 3] },
      { name: "sum", type: "float32", shape: ["N"] },
    ],
    initializers: [floatTensor("two", [1], [2]), floatTensor("one", [1], [1]), int64Tensor("axes", [1], [1])],
    nodes: [
      node("Mul", ["x", "two"], ["doubled"]),
      node("Add", ["doubled", "one"], ["y"]),
      // opset 13: ReduceSum takes its axes as an input
      node("ReduceSum", ["y", "axes"], ["sum"], { keepdims: { int: 0 } }),
    ],
  };
}
