"use client";

import type { NodeProps } from "@xyflow/react";
import type { FlowNodeOf } from "../../flow";
import { NodeShell, Setting } from "../node-shell";

/** Where a step's results go: datastore and folder. */
export function OutputNode({ id, data, selected }: NodeProps<FlowNodeOf<"output">>) {
  return (
    <NodeShell id={id} type="output" kind="Output" title={data.datastore} selected={selected} handles={[{ id: "in", type: "target", label: "location" }]}>
      <Setting label="path" value={data.path || "runs/<run id>/<step>"} />
    </NodeShell>
  );
}
