import { invalid } from "../errors";
import { describeTensor } from "../onnx/describe";
import type { ModelSignature, TensorInfo } from "../onnx/types";

const list = (infos: TensorInfo[]) => infos.map(describeTensor).join(", ");

/**
 * The one input a built-in scorer feeds. A model with more inputs cannot be run with a single
 * tensor, so it is refused up front rather than at the first mini-batch.
 */
export function pickInput(signature: ModelSignature, name: string | undefined, scorer: string): TensorInfo {
  const input = name === undefined ? signature.inputs[0] : signature.inputs.find((i) => i.name === name);
  if (!input) {
    throw invalid(
      name === undefined
        ? "the model has no inputs"
        : `the model has no input named '${name}'; its inputs are ${list(signature.inputs)}: set inputName to one of them`,
    );
  }
  if (signature.inputs.length > 1) {
    throw invalid(`the model has ${signature.inputs.length} inputs (${list(signature.inputs)}); the ${scorer} feeds exactly one`);
  }
  return input;
}

export function pickOutput(signature: ModelSignature, name: string | undefined): TensorInfo {
  const output = name === undefined ? signature.outputs[0] : signature.outputs.find((o) => o.name === name);
  if (!output) {
    throw invalid(name === undefined ? "the model has no outputs" : `the model has no output named '${name}'; its outputs are ${list(signature.outputs)}`);
  }
  return output;
}

/** Element types whose tensor data is a plain number array. */
export const NUMERIC_TYPES = new Set(["float32", "float64", "float16", "int8", "uint8", "int16", "uint16", "int32", "uint32"]);
