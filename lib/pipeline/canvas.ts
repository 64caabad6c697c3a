import { isParamRef } from "../contracts/common";
import type { CanvasEdge, CanvasGraph, CanvasNode, CanvasNodeOf, HandleId } from "../contracts/canvas";
import { PipelineDefinition, type InputRef, type PipelineParameter, type StepDefinition } from "../contracts/pipeline";
import { autoLayout } from "./layout";

export interface DefinitionMeta {
  name: string;
  description?: string;
}

/** The step definition (before schema parsing) built from one step node, and that node's id. */
export interface DraftStep {
  nodeId: string;
  step: Record<string, unknown>;
}

export interface DraftDefinition {
  /** Shaped like PipelineDefinition; parse it with the contract to know whether it is valid. */
  definition: Record<string, unknown> & { steps: Record<string, unknown>[]; parameters: Record<string, unknown>[] };
  steps: DraftStep[];
}

export const nodeById = (graph: CanvasGraph) => new Map(graph.nodes.map((n) => [n.id, n]));

/** Edges arriving at one handle of a node, in the order they were drawn. */
export function edgesInto(graph: CanvasGraph, nodeId: string, handle: HandleId): CanvasEdge[] {
  return graph.edges.filter((e) => e.target === nodeId && e.targetHandle === handle);
}

export function edgesFrom(graph: CanvasGraph, nodeId: string, handle: HandleId): CanvasEdge[] {
  return graph.edges.filter((e) => e.source === nodeId && e.sourceHandle === handle);
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** Drops empty fields (left blank in the panel) so the contract applies its defaults. */
export function cleanConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isBlank(value)) continue;
    if (key === "scorer" && value && typeof value === "object" && !Array.isArray(value)) {
      const scorer: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!isBlank(v) && !(Array.isArray(v) && v.length === 0)) scorer[k] = v;
      out[key] = scorer;
      continue;
    }
    if (Array.isArray(value) && value.length === 0 && key === "partitionKeys") continue;
    out[key] = value;
  }
  return out;
}

/** What a source node contributes to a step's inputs. */
function inputRefOf(source: CanvasNode | undefined): InputRef | Record<string, unknown> | undefined {
  if (!source) return undefined;
  if (source.type === "dataset") return source.data.mode === "parameter" ? { param: source.data.parameterName } : { dataset: source.data.dataset };
  if (source.type === "step") return { step: source.data.name };
  return undefined;
}

/** The model a step's built-in scorer uses: the connected Model node wins over the panel's value. */
export function connectedModel(graph: CanvasGraph, stepId: string): CanvasNodeOf<"model"> | undefined {
  const byId = nodeById(graph);
  for (const edge of edgesInto(graph, stepId, "model")) {
    const n = byId.get(edge.source);
    if (n?.type === "model") return n;
  }
  return undefined;
}

export function stepDefinitionOf(graph: CanvasGraph, node: CanvasNodeOf<"step">): Record<string, unknown> {
  const byId = nodeById(graph);
  const refs = (handle: HandleId) =>
    edgesInto(graph, node.id, handle)
      .map((e) => inputRefOf(byId.get(e.source)))
      .filter((r): r is NonNullable<typeof r> => r !== undefined);
  const config = cleanConfig(node.data.parallelRunConfig);
  const model = connectedModel(graph, node.id);
  if (model && config.scorer && typeof config.scorer === "object") config.scorer = { ...config.scorer, model: model.data.model };
  const outputNode = edgesFrom(graph, node.id, "output")
    .map((e) => byId.get(e.target))
    .find((n): n is CanvasNodeOf<"output"> => n?.type === "output");
  const output = outputNode
    ? { datastore: outputNode.data.datastore, ...(outputNode.data.path.trim() ? { path: outputNode.data.path.trim() } : {}) }
    : { datastore: "workspace" };
  return {
    name: node.data.name,
    ...(node.data.description?.trim() ? { description: node.data.description.trim() } : {}),
    inputs: refs("inputs"),
    sideInputs: refs("side_inputs"),
    output,
    parallelRunConfig: config,
    arguments: node.data.arguments.filter((a) => !isBlank(a)),
    allowReuse: node.data.allowReuse,
  };
}

/** Parameters declared on the canvas: Parameter nodes and Dataset nodes in parameter mode. */
export function canvasParameters(graph: CanvasGraph): (Record<string, unknown> & { name: string; nodeId: string })[] {
  const out: (Record<string, unknown> & { name: string; nodeId: string })[] = [];
  for (const n of graph.nodes) {
    if (n.type === "parameter") {
      out.push({
        nodeId: n.id,
        name: n.data.name,
        type: n.data.type,
        default: n.data.default,
        ...(n.data.description ? { description: n.data.description } : {}),
      });
    } else if (n.type === "dataset" && n.data.mode === "parameter") {
      out.push({
        nodeId: n.id,
        name: n.data.parameterName,
        type: "dataset",
        default: n.data.dataset,
        ...(n.data.description ? { description: n.data.description } : {}),
      });
    }
  }
  return out;
}

/** Canvas -> the definition format the CLI and engine accept (unvalidated: see validate.ts). */
export function canvasToDraftDefinition(graph: CanvasGraph, meta: DefinitionMeta): DraftDefinition {
  const steps = graph.nodes.filter((n): n is CanvasNodeOf<"step"> => n.type === "step").map((n) => ({ nodeId: n.id, step: stepDefinitionOf(graph, n) }));
  const parameters = canvasParameters(graph).map(({ nodeId: _nodeId, ...p }) => p);
  return {
    definition: { name: meta.name, ...(meta.description ? { description: meta.description } : {}), parameters, steps: steps.map((s) => s.step) },
    steps,
  };
}

/** Canvas -> a valid PipelineDefinition, or the schema's error (use validate.ts for per-node problems). */
export function canvasToDefinition(graph: CanvasGraph, meta: DefinitionMeta): PipelineDefinition {
  return PipelineDefinition.parse(canvasToDraftDefinition(graph, meta).definition);
}

/**
 * A definition (from the CLI format, an import, or a published version) -> a canvas: one Dataset
 * node per distinct dataset or dataset parameter, one node per step and per output, laid out in
 * layers from inputs to outputs.
 */
export function definitionToCanvas(def: PipelineDefinition): CanvasGraph {
  const nodes: CanvasNode[] = [];
  const edges: CanvasEdge[] = [];
  const at = { x: 0, y: 0 };
  const params = new Map<string, PipelineParameter>(def.parameters.map((p) => [p.name, p]));
  const inputParams = new Set(def.steps.flatMap((s) => [...s.inputs, ...s.sideInputs]).flatMap((r) => (isParamRef(r) ? [r.param] : [])));
  const sourceNodes = new Map<string, string>();
  let counter = 0;
  const nextId = (type: string) => `${type}-${++counter}`;

  for (const p of def.parameters) {
    if (p.type === "dataset" && inputParams.has(p.name)) {
      const id = nextId("dataset");
      nodes.push({
        id,
        type: "dataset",
        position: at,
        data: { mode: "parameter", dataset: String(p.default), parameterName: p.name, ...(p.description ? { description: p.description } : {}) },
      });
      sourceNodes.set(`param:${p.name}`, id);
    } else {
      nodes.push({
        id: nextId("parameter"),
        type: "parameter",
        position: at,
        data: { name: p.name, type: p.type, default: p.default, ...(p.description ? { description: p.description } : {}) },
      });
    }
  }
  const stepIds = new Map<string, string>();
  for (const step of def.steps) stepIds.set(step.name, nextId("step"));

  const sourceFor = (ref: InputRef): { id: string; handle: HandleId } | undefined => {
    if ("step" in ref) {
      const id = stepIds.get(ref.step);
      return id ? { id, handle: "output" } : undefined;
    }
    if (isParamRef(ref)) {
      if (!params.has(ref.param)) return undefined;
      const id = sourceNodes.get(`param:${ref.param}`);
      return id ? { id, handle: "data" } : undefined;
    }
    const key = `dataset:${ref.dataset}`;
    let id = sourceNodes.get(key);
    if (!id) {
      id = nextId("dataset");
      nodes.push({ id, type: "dataset", position: at, data: { mode: "dataset", dataset: ref.dataset, parameterName: "" } });
      sourceNodes.set(key, id);
    }
    return { id, handle: "data" };
  };

  for (const step of def.steps) {
    const stepId = stepIds.get(step.name)!;
    nodes.push({ id: stepId, type: "step", position: at, data: stepDataOf(step) });
    const connect = (refs: InputRef[], targetHandle: HandleId) => {
      for (const ref of refs) {
        const src = sourceFor(ref);
        if (src)
          edges.push({ id: `e-${src.id}-${stepId}-${targetHandle}-${edges.length}`, source: src.id, sourceHandle: src.handle, target: stepId, targetHandle });
      }
    };
    connect(step.inputs, "inputs");
    connect(step.sideInputs, "side_inputs");
    const outId = nextId("output");
    nodes.push({ id: outId, type: "output", position: at, data: { datastore: step.output.datastore, path: step.output.path ?? "" } });
    edges.push({ id: `e-${stepId}-${outId}`, source: stepId, sourceHandle: "output", target: outId, targetHandle: "in" });
  }
  return autoLayout({ nodes, edges });
}

function stepDataOf(step: StepDefinition): CanvasNodeOf<"step">["data"] {
  return {
    name: step.name,
    ...(step.description ? { description: step.description } : {}),
    parallelRunConfig: { ...step.parallelRunConfig } as Record<string, unknown>,
    arguments: step.arguments,
    allowReuse: step.allowReuse,
  };
}
