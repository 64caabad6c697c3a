import type { ComponentType } from "react";
import type { NodeTypes } from "@xyflow/react";
import type { CanvasNodeOf, CanvasNodeType } from "@/lib/contracts/canvas";
import { toFlowType } from "../flow";
import { DatasetNode } from "./dataset/node";
import { DatasetPanel } from "./dataset/panel";
import { datasetDefaults } from "./dataset/defaults";
import { ModelNode } from "./model/node";
import { ModelPanel } from "./model/panel";
import { modelDefaults } from "./model/defaults";
import { OutputNode } from "./output/node";
import { OutputPanel } from "./output/panel";
import { outputDefaults } from "./output/defaults";
import { ParameterNode } from "./parameter/node";
import { ParameterPanel } from "./parameter/panel";
import { parameterDefaults } from "./parameter/defaults";
import { StepNode } from "./step/node";
import { StepPanel } from "./step/panel";
import { stepDefaults } from "./step/defaults";

export interface NodeTypeEntry<T extends CanvasNodeType> {
  label: string;
  description: string;
  defaults: () => CanvasNodeOf<T>["data"];
  Panel: ComponentType<{ id: string; data: CanvasNodeOf<T>["data"] }>;
}

/** One entry per canvas node type: palette label, defaults, side panel; canvas bodies in nodeTypes. */
export const NODE_REGISTRY: { [T in CanvasNodeType]: NodeTypeEntry<T> } = {
  dataset: { label: "Dataset", description: "A registered dataset, a datastore path, or a dataset parameter", defaults: datasetDefaults, Panel: DatasetPanel },
  model: { label: "Model", description: "A registered ONNX model for a step's built-in scorer", defaults: modelDefaults, Panel: ModelPanel },
  step: { label: "ParallelRunStep", description: "Runs the entry script over mini-batches of its inputs", defaults: stepDefaults, Panel: StepPanel },
  output: { label: "Output", description: "Where a step writes its results (datastore and path)", defaults: outputDefaults, Panel: OutputPanel },
  parameter: { label: "Pipeline parameter", description: "A value each submission can override", defaults: parameterDefaults, Panel: ParameterPanel },
};

/** Canvas bodies under their React Flow names (see toFlowType: none may be one of React Flow's built-ins). */
export const nodeTypes: NodeTypes = {
  [toFlowType("dataset")]: DatasetNode,
  [toFlowType("model")]: ModelNode,
  [toFlowType("step")]: StepNode,
  [toFlowType("output")]: OutputNode,
  [toFlowType("parameter")]: ParameterNode,
};

export const PALETTE_ORDER: CanvasNodeType[] = ["dataset", "model", "step", "output", "parameter"];
