"use client";

import type { DatasetNodeData } from "@/lib/contracts/canvas";
import { problemsFor, useDesigner } from "../../context";
import { DatasetPicker } from "../../fields/asset-pickers";
import { SelectField, TextField } from "../../fields/fields";

export function DatasetPanel({ id, data }: { id: string; data: DatasetNodeData }) {
  const ctx = useDesigner();
  const set = (patch: Partial<DatasetNodeData>) => ctx.updateNodeData(id, patch);
  const errors = (field: string) => problemsFor(ctx, id, field).map((p) => p.message);
  return (
    <div className="space-y-3">
      <SelectField
        label="Source"
        value={data.mode}
        options={[
          { value: "dataset", label: "Registered dataset or datastore path" },
          { value: "parameter", label: "Pipeline parameter of dataset type" },
        ]}
        help="A dataset parameter (like the tutorial's mnist_param) lets each submission pass other data."
        onChange={(v) => set({ mode: v as DatasetNodeData["mode"] })}
      />
      {data.mode === "parameter" ? (
        <TextField
          label="Parameter name"
          value={data.parameterName}
          errors={errors("parameterName")}
          placeholder="mnist_param"
          help="Renaming it renames every binding to it."
          onChange={(v) => ctx.renameParameter(id, v)}
        />
      ) : null}
      <DatasetPicker
        label={data.mode === "parameter" ? "Default dataset" : "Dataset"}
        allowPaths
        value={data.dataset}
        errors={errors("dataset")}
        onChange={(v) => set({ dataset: v })}
      />
      <TextField label="Description" value={data.description ?? ""} onChange={(v) => set({ description: v || undefined })} />
    </div>
  );
}
