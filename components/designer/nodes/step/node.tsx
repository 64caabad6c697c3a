"use client";

import type { NodeProps } from "@xyflow/react";
import { isParamRef } from "@/lib/contracts/common";
import type { FlowNodeOf } from "../../flow";
import { NodeShell } from "../node-shell";

export function StepNode({ id, data, selected }: NodeProps<FlowNodeOf<"step">>) {
  const cfg = data.parallelRunConfig;
  const size = cfg.miniBatchSize;
  const scorer = cfg.scorer as { kind?: string } | undefined;
  return (
    <NodeShell
      id={id}
      type="step"
      kind="ParallelRunStep"
      title={data.name}
      selected={selected}
      handles={[
        { id: "inputs", type: "target", label: "inputs" },
        { id: "side_inputs", type: "target", label: "side inputs" },
        { id: "model", type: "target", label: "model" },
        { id: "output", type: "source", label: "output" },
      ]}
    >
      <div className="mt-1 space-y-0.5 text-slate-600">
        <div>{scorer?.kind ? `scorer: ${scorer.kind}` : cfg.entryScript ? `script: ${String(cfg.entryScript)}` : "no entry script"}</div>
        <div>mini-batch: {size === undefined ? "default" : isParamRef(size) ? `{${size.param}}` : String(size)}</div>
      </div>
    </NodeShell>
  );
}
