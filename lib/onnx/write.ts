import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { onnx as proto } from "onnx-proto";
import { onnx } from "./proto";

/** Element types the writer supports (what the built-in models and tests need). */
export type ElementType = "float32" | "int64";

export interface ValueSpec {
  name: string;
  type: ElementType;
  /** Numbers for fixed dims, strings for symbolic ones ("N"). */
  shape: (number | string)[];
}

export type AttributeValue = { int: number } | { float: number } | { ints: number[] } | { floats: number[] } | { string: string };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}

export interface InitializerSpec {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export interface GraphSpec {
  name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers: InitializerSpec[];
  docString?: string;
}

export const IR_VERSION = 8;
export const OPSET_VERSION = 13;

/** A graph node; attributes use tagged values so ints and floats are never confused. */
export function node(op: string, inputs: string[], outputs: string[], attributes?: Record<string, AttributeValue>): NodeSpec {
  return { op, inputs, outputs, attributes };
}

export function floatTensor(name: string, dims: number[], data: Float32Array | number[]): InitializerSpec {
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  checkSize(name, dims, values.length);
  return { name, dims, data: values };
}

export function int64Tensor(name: string, dims: number[], data: number[]): InitializerSpec {
  checkSize(name, dims, data.length);
  return { name, dims, data: BigInt64Array.from(data.map((v) => BigInt(v))) };
}

/**
 * Serialises a graph as an ONNX model (IR 8, opset 13). Output depends only on the spec, so
 * the same weights give the same bytes.
 */
export function encodeModel(graph: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: "parallel-run-studio",
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: OPSET_VERSION })],
    graph: onnx.GraphProto.create({
      name: graph.name,
      docString: graph.docString,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      initializer: graph.initializers.map(tensorProto),
      node: graph.nodes.map((n, i) => nodeProto(n, i)),
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

export async function writeModel(path: string, graph: GraphSpec): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeModel(graph));
}

const ELEMENT_TYPES: Record<ElementType, proto.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
};

function valueInfo(spec: ValueSpec): proto.ValueInfoProto {
  const dim = spec.shape.map((d) =>
    typeof d === "number" ? onnx.TensorShapeProto.Dimension.create({ dimValue: d }) : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
  );
  return onnx.ValueInfoProto.create({
    name: spec.name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({ elemType: ELEMENT_TYPES[spec.type], shape: onnx.TensorShapeProto.create({ dim }) }),
    }),
  });
}

function tensorProto(spec: InitializerSpec): proto.TensorProto {
  const dataType = spec.data instanceof Float32Array ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64;
  return onnx.TensorProto.create({ name: spec.name, dims: spec.dims, dataType, rawData: littleEndianBytes(spec.data) });
}

function nodeProto(spec: NodeSpec, index: number): proto.NodeProto {
  const attribute = Object.entries(spec.attributes ?? {}).map(([name, value]) => attributeProto(name, value));
  return onnx.NodeProto.create({ name: `${spec.op}_${index}`, opType: spec.op, input: spec.inputs, output: spec.outputs, attribute });
}

function attributeProto(name: string, value: AttributeValue): proto.AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ("int" in value) return onnx.AttributeProto.create({ name, type: T.INT, i: value.int });
  if ("float" in value) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
  if ("ints" in value) return onnx.AttributeProto.create({ name, type: T.INTS, ints: value.ints });
  if ("floats" in value) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: value.floats });
  return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value.string) });
}

/** ONNX raw_data is little-endian; DataView makes that explicit whatever the host order. */
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

function checkSize(name: string, dims: number[], length: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) throw new Error(`initializer ${name}: dims [${dims.join(",")}] need ${expected} values, got ${length}`);
}
