"use client";

import type { NodeProps } from "@xyflow/react";
import type { FlowNodeOf } from "../../flow";
import { NodeShell } from "../node-shell";

export function DatasetNode({ id, data, selected }: NodeProps<FlowNodeOf<"dataset">>) {
  const title = data.mode === "parameter" ? data.parameterName : data.dataset;
  return (
    <NodeShell
      id={id}
      type="dataset"
      kind={data.mode === "parameter" ? "Dataset parameter" : "Dataset"}
      title={title}
      selected={selected}
      handles={[{ id: "data", type: "source", label: "data" }]}
    >
      {data.mode === "parameter" && data.dataset ? <div className="text-slate-500">default: {data.dataset}</div> : null}
    </NodeShell>
  );
}
