import { invalid } from "../errors";
import { onnx } from "./proto";

export interface FloatInitializer {
  dims: number[];
  data: Float32Array;
}

/**
 * The float32 initializers (weights) of a serialised model, by name. Used to reuse a trained
 * model's weights in another graph; only raw_data or float_data storage is read.
 */
export function readFloatInitializers(bytes: Uint8Array): Map<string, FloatInitializer> {
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw invalid(`not an ONNX model: ${error instanceof Error ? error.message : String(error)}`);
  }
  const out = new Map<string, FloatInitializer>();
  for (const tensor of model.graph?.initializer ?? []) {
    if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT) continue;
    const dims = (tensor.dims ?? []).map((d) => Number(d));
    const raw = tensor.rawData;
    let data: Float32Array;
    if (raw && raw.length > 0) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      data = new Float32Array(raw.length / 4);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
    } else {
      data = Float32Array.from(tensor.floatData ?? []);
    }
    out.set(tensor.name ?? "", { dims, data });
  }
  return out;
}
