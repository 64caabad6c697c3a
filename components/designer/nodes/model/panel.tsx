"use client";

import type { ModelNodeData } from "@/lib/contracts/canvas";
import { useModels } from "@/components/pipelines/queries";
import { problemsFor, useDesigner } from "../../context";
import { TextField } from "../../fields/fields";
import { ModelSignatureTable } from "@/components/data/models/model-signature";

export function ModelPanel({ id, data }: { id: string; data: ModelNodeData }) {
  const ctx = useDesigner();
  const { data: models } = useModels();
  const listId = `models-${id}`;
  const chosen = models?.models.find((m) => m.name === data.model.split(":")[0]);
  return (
    <div className="space-y-3">
      <TextField
        label="Model"
        hint="name or name:version"
        value={data.model}
        list={listId}
        errors={problemsFor(ctx, id, "model").map((p) => p.message)}
        placeholder="mnist"
        onChange={(v) => ctx.updateNodeData(id, { model: v })}
      />
      <datalist id={listId}>
        {models?.models.map((m) => (
          <option key={m.id} value={m.name}>
            v{m.version} {m.description ?? ""}
          </option>
        ))}
      </datalist>
      {chosen ? <ModelSignatureTable signature={chosen.signature} /> : null}
      <p className="text-xs text-slate-500">Connect it to a step's model handle: the step's built-in scorer then uses this model.</p>
    </div>
  );
}
