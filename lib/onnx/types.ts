/** One model input or output as the runtime reports it. */
export interface TensorInfo {
  name: string;
  /** Element type, e.g. "float32", "int64"; "non-tensor" for sequences and maps. */
  type: string;
  /** Fixed dimensions as numbers, symbolic ones (batch size "N", "batch") as strings. */
  shape: (number | string)[];
}

/** What a model takes and returns. */
export interface ModelSignature {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}
