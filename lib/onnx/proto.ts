import onnxProto from "onnx-proto";

/**
 * The ONNX protobuf classes. onnx-proto is CommonJS without named exports that Node's ESM
 * loader can detect, so the namespace is read from its default export.
 */
export const onnx = onnxProto.onnx;
