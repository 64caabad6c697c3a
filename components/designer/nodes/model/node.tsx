"use client";

import type { NodeProps } from "@xyflow/react";
import type { FlowNode } from "../../flow";
import { NodeShell } from "../node-shell";

export function ModelNode({ id, data, selected }: NodeProps<Extract<FlowNode, { type: "model" }>>) {
  return <NodeShell id={id} type="model" kind="Model" title={data.model} selected={selected} handles={[{ id: "model", type: "source", label: "model" }]} />;
}
