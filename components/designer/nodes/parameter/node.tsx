"use client";

import type { NodeProps } from "@xyflow/react";
import type { FlowNodeOf } from "../../flow";
import { NodeShell } from "../node-shell";

export function ParameterNode({ id, data, selected }: NodeProps<FlowNodeOf<"parameter">>) {
  return (
    <NodeShell id={id} type="parameter" kind={`Parameter (${data.type})`} title={data.name} selected={selected} handles={[]}>
      <div className="text-slate-500">default: {String(data.default)}</div>
    </NodeShell>
  );
}
