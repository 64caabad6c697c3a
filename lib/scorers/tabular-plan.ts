import { invalid } from "../errors";
import { describeTensor, fixedDim } from "../onnx/describe";
import type { ModelSignature } from "../onnx/types";
import { pickInput } from "./model-io";
import type { ResolvedTabularScorerSettings } from "./types";

export interface TabularOutput {
  /** Model output name. */
  name: string;
  /** Column name (or prefix, for several values per row). */
  column: string;
}

export interface TabularPlan {
  inputName: string;
  columns: string[];
  outputs: TabularOutput[];
  /** Set when the model's batch dimension is fixed: rows are fed that many at a time. */
  fixedBatch?: number;
  summary: string;
}

/** Fits the tabular settings to the model: one float32 input [N, columns], tensor outputs. */
export function planTabular(signature: ModelSignature, settings: Pick<ResolvedTabularScorerSettings, "inputName" | "columns" | "outputs">): TabularPlan {
  const input = pickInput(signature, settings.inputName, "tabular scorer");
  const where = `model input ${describeTensor(input)}`;
  if (input.type !== "float32") throw invalid(`${where} has element type ${input.type}; the tabular scorer feeds float32 tensors`);
  if (input.shape.length !== 2) throw invalid(`${where} has rank ${input.shape.length}; the tabular scorer feeds [rows, columns] inputs`);
  const features = fixedDim(input.shape, 1);
  if (features !== undefined && features !== settings.columns.length) {
    throw invalid(
      `${where} takes ${features} values per row but columns lists ${settings.columns.length} (${settings.columns.join(", ")}); list ${features} columns in the model's order`,
    );
  }
  const known = signature.outputs.map(describeTensor).join(", ");
  const requested = settings.outputs ?? signature.outputs.filter((o) => o.type !== "non-tensor").map((o) => ({ name: o.name, column: undefined }));
  const outputs = requested.map(({ name, column }) => {
    const output = signature.outputs.find((o) => o.name === name);
    if (!output) throw invalid(`the model has no output named '${name}'; its outputs are ${known}`);
    if (output.type === "non-tensor")
      throw invalid(
        `model output '${name}' is not a tensor (a sequence or map); the tabular scorer appends tensor outputs only: pick others in outputs (${known})`,
      );
    return { name, column: column ?? name };
  });
  if (outputs.length === 0) throw invalid(`the model has no tensor outputs to append (outputs: ${known})`);
  return {
    inputName: input.name,
    columns: settings.columns,
    outputs,
    fixedBatch: fixedDim(input.shape, 0),
    summary: `${where} <- ${settings.columns.join(", ")}; outputs ${outputs.map((o) => (o.column === o.name ? o.name : `${o.name} as ${o.column}`)).join(", ")}`,
  };
}
