"use client";

import type { NodeProps } from "@xyflow/react";
import type { FlowNodeOf } from "../../flow";
import { NodeShell } from "../node-shell";

export function ModelNode({ id, data, selected }: NodeProps<FlowNodeOf<"model">>) {
  return <NodeShell id={id} type="model" kind="Model" title={data.model} selected={selected} handles={[{ id: "model", type: "source", label: "model" }]} />;
}
