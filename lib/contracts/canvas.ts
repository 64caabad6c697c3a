import { z } from "zod";
import { Description, LIMITS, ParamRef, PathText } from "./common";
import { PARAMETER_TYPES } from "./pipeline";

/**
 * The designer's saved graph: only `{ id, type, position, data }` per node and typed edges. Node
 * data holds what the user typed, valid or not (a draft may be half-filled); the pipeline rules
 * (lib/pipeline/validate.ts) say what is wrong. Run state and UI state never live here.
 */
export const CANVAS_NODE_TYPES = ["dataset", "model", "step", "output", "parameter"] as const;
export const CanvasNodeType = z.enum(CANVAS_NODE_TYPES);
export type CanvasNodeType = z.infer<typeof CanvasNodeType>;

export const Position = z.object({ x: z.number(), y: z.number() });

/** A value typed in a field, or a binding to a pipeline parameter. */
export const FieldValue = z.union([ParamRef, PathText, z.number(), z.boolean()]);
export type FieldValue = z.infer<typeof FieldValue>;

/**
 * A registered dataset ("mnist", "mnist:2", or "datastore://workspace/mnist/0.png"), or a dataset
 * pipeline parameter whose default is that dataset (the tutorial's `mnist_param`).
 */
export const DatasetNodeData = z.object({
  mode: z.enum(["dataset", "parameter"]).default("dataset"),
  dataset: PathText.default(""),
  parameterName: z.string().max(LIMITS.name).default(""),
  description: Description.optional(),
});
export type DatasetNodeData = z.infer<typeof DatasetNodeData>;

export const ModelNodeData = z.object({ model: z.string().max(LIMITS.text).default("") });
export type ModelNodeData = z.infer<typeof ModelNodeData>;

export const OutputNodeData = z.object({ datastore: z.string().max(LIMITS.name).default("workspace"), path: PathText.default("") });
export type OutputNodeData = z.infer<typeof OutputNodeData>;

export const ParameterNodeData = z.object({
  name: z.string().max(LIMITS.name).default(""),
  type: z.enum(PARAMETER_TYPES).default("string"),
  default: z.union([PathText, z.number(), z.boolean()]).default(""),
  description: Description.optional(),
});
export type ParameterNodeData = z.infer<typeof ParameterNodeData>;

/**
 * A ParallelRunStep as edited: the ParallelRunConfig fields as typed (checked against the
 * ParallelRunConfig contract when validated); inputs, side inputs, model and output come from edges.
 */
export const StepNodeData = z.object({
  name: z.string().max(LIMITS.name).default(""),
  description: Description.optional(),
  parallelRunConfig: z.record(z.string().max(LIMITS.name), z.unknown()).default({}),
  arguments: z.array(FieldValue).max(LIMITS.items).default([]),
  allowReuse: z.boolean().default(true),
});
export type StepNodeData = z.infer<typeof StepNodeData>;

const node = <T extends CanvasNodeType, D extends z.ZodType>(type: T, data: D) =>
  z.object({ id: z.string().min(1).max(LIMITS.text), type: z.literal(type), position: Position, data });

export const CanvasNode = z.discriminatedUnion("type", [
  node("dataset", DatasetNodeData),
  node("model", ModelNodeData),
  node("step", StepNodeData),
  node("output", OutputNodeData),
  node("parameter", ParameterNodeData),
]);
export type CanvasNode = z.infer<typeof CanvasNode>;
export type CanvasNodeOf<T extends CanvasNodeType> = Extract<CanvasNode, { type: T }>;

/** Handles: where an edge may start (source) and end (target). */
export const SOURCE_HANDLES = { dataset: ["data"], model: ["model"], step: ["output"], output: [], parameter: [] } as const;
export const TARGET_HANDLES = { dataset: [], model: [], step: ["inputs", "side_inputs", "model"], output: ["in"], parameter: [] } as const;
export const HandleId = z.enum(["data", "model", "output", "inputs", "side_inputs", "in"]);
export type HandleId = z.infer<typeof HandleId>;

export const CanvasEdge = z.object({
  id: z.string().min(1).max(LIMITS.text),
  source: z.string().min(1).max(LIMITS.text),
  sourceHandle: HandleId,
  target: z.string().min(1).max(LIMITS.text),
  targetHandle: HandleId,
});
export type CanvasEdge = z.infer<typeof CanvasEdge>;

export const CanvasGraph = z.object({
  nodes: z.array(CanvasNode).max(LIMITS.items).default([]),
  edges: z
    .array(CanvasEdge)
    .max(LIMITS.items * 4)
    .default([]),
});
export type CanvasGraph = z.infer<typeof CanvasGraph>;

export const emptyCanvas = (): CanvasGraph => ({ nodes: [], edges: [] });
