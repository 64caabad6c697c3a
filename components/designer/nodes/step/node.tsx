"use client";

import type { NodeProps } from "@xyflow/react";
import { isParamRef } from "@/lib/contracts/common";
import { connectedModel } from "@/lib/pipeline/canvas";
import { useDesigner } from "../../context";
import type { FlowNodeOf } from "../../flow";
import { NodeShell, Setting } from "../node-shell";

const shown = (v: unknown) => (v === undefined || v === "" ? undefined : String(v));
const bound = (v: unknown) => (isParamRef(v) ? v.param : undefined);

const SCORER_NAMES: Record<string, string> = { "onnx-image-classifier": "image classifier", "onnx-tabular": "tabular scorer" };

/** A ParallelRunStep at a glance: what it runs, on what model, in what mini-batches, on how many processes, where. */
export function StepNode({ id, data, selected }: NodeProps<FlowNodeOf<"step">>) {
  const ctx = useDesigner();
  const cfg = data.parallelRunConfig;
  const scorer = cfg.scorer as { kind?: string; model?: unknown } | undefined;
  const linked = connectedModel(ctx.graph, id);
  const model = linked ? linked.data.model : scorer?.model;
  const nodes = cfg.nodeCount;
  const procs = cfg.processCountPerNode;
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
      {scorer ? (
        <>
          <Setting label="scorer" value={SCORER_NAMES[scorer.kind ?? ""] ?? scorer.kind} />
          <Setting label="model" value={shown(model)} bound={linked ? undefined : bound(model)} />
        </>
      ) : (
        <Setting label="entry script" value={shown(cfg.entryScript)} />
      )}
      <Setting label="mini_batch_size" value={shown(cfg.miniBatchSize) ?? "default"} bound={bound(cfg.miniBatchSize)} />
      <Setting
        label="nodes × processes"
        value={
          isParamRef(nodes) || isParamRef(procs)
            ? `${isParamRef(nodes) ? `{${nodes.param}}` : (shown(nodes) ?? "1")} × ${isParamRef(procs) ? `{${procs.param}}` : (shown(procs) ?? "1")}`
            : `${shown(nodes) ?? "1"} × ${shown(procs) ?? "1"}`
        }
      />
      <Setting label="compute" value={shown(cfg.computeTarget) ?? "local"} />
      {data.description ? <p className="line-clamp-2 pt-0.5 text-slate-500">{data.description}</p> : null}
    </NodeShell>
  );
}
