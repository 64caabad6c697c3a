"use client";

import type { NodeProps } from "@xyflow/react";
import type { FlowNodeOf } from "../../flow";
import { NodeShell } from "../node-shell";

export function OutputNode({ id, data, selected }: NodeProps<FlowNodeOf<"output">>) {
  return (
    <NodeShell
      id={id}
      type="output"
      kind="Output"
      title={`${data.datastore}${data.path ? `: ${data.path}` : ""}`}
      selected={selected}
      handles={[{ id: "in", type: "target", label: "location" }]}
    />
  );
}
