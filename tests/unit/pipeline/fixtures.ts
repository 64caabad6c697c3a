import type { CanvasEdge, CanvasGraph, CanvasNode, CanvasNodeOf, HandleId } from "../../../lib/contracts/canvas";

let counter = 0;
const at = () => ({ x: counter * 10, y: 0 });

export function makeDatasetNode(data: Partial<CanvasNodeOf<"dataset">["data"]> = {}, id = `dataset-${++counter}`): CanvasNodeOf<"dataset"> {
  return { id, type: "dataset", position: at(), data: { mode: "dataset", dataset: "mnist", parameterName: "", ...data } };
}

export function makeModelNode(model = "mnist", id = `model-${++counter}`): CanvasNodeOf<"model"> {
  return { id, type: "model", position: at(), data: { model } };
}

export function makeOutputNode(data: Partial<CanvasNodeOf<"output">["data"]> = {}, id = `output-${++counter}`): CanvasNodeOf<"output"> {
  return { id, type: "output", position: at(), data: { datastore: "workspace", path: "", ...data } };
}

export function makeParameterNode(data: Partial<CanvasNodeOf<"parameter">["data"]> = {}, id = `parameter-${++counter}`): CanvasNodeOf<"parameter"> {
  return { id, type: "parameter", position: at(), data: { name: "batch_size_param", type: "int", default: 5, ...data } };
}

/** A valid step using the built-in image classifier; override data or config fields. */
export function makeStepNode(name = "predict-digits", config: Record<string, unknown> = {}, id = `step-${++counter}`): CanvasNodeOf<"step"> {
  return {
    id,
    type: "step",
    position: at(),
    data: {
      name,
      parallelRunConfig: {
        scorer: { kind: "onnx-image-classifier", model: "mnist" },
        miniBatchSize: 5,
        errorThreshold: 10,
        outputAction: "append_row",
        ...config,
      },
      arguments: [],
      allowReuse: true,
    },
  };
}

export function edge(source: CanvasNode, sourceHandle: HandleId, target: CanvasNode, targetHandle: HandleId): CanvasEdge {
  return { id: `e-${source.id}-${target.id}-${targetHandle}`, source: source.id, sourceHandle, target: target.id, targetHandle };
}

/** Dataset -> step -> output, the smallest complete pipeline. */
export function makeLinearCanvas(): { graph: CanvasGraph; dataset: CanvasNodeOf<"dataset">; step: CanvasNodeOf<"step">; output: CanvasNodeOf<"output"> } {
  const dataset = makeDatasetNode();
  const step = makeStepNode();
  const output = makeOutputNode();
  return {
    graph: { nodes: [dataset, step, output], edges: [edge(dataset, "data", step, "inputs"), edge(step, "output", output, "in")] },
    dataset,
    step,
    output,
  };
}
