"use client";

import type { ModelNodeData } from "@/lib/contracts/canvas";
import { problemsFor, useDesigner } from "../../context";
import { ModelPicker } from "../../fields/asset-pickers";

export function ModelPanel({ id, data }: { id: string; data: ModelNodeData }) {
  const ctx = useDesigner();
  return (
    <div className="space-y-3">
      <ModelPicker
        label="Model"
        value={data.model}
        errors={problemsFor(ctx, id, "model").map((p) => p.message)}
        onChange={(v) => ctx.updateNodeData(id, { model: v })}
      />
      <p className="text-xs text-slate-500">Connect it to a step's model port: the step's built-in scorer then uses this model.</p>
    </div>
  );
}
