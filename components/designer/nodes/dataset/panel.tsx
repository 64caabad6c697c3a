"use client";

import type { DatasetNodeData } from "@/lib/contracts/canvas";
import { useDatasets } from "@/components/pipelines/queries";
import { problemsFor, useDesigner } from "../../context";
import { SelectField, TextField } from "../../fields/fields";

export function DatasetPanel({ id, data }: { id: string; data: DatasetNodeData }) {
  const ctx = useDesigner();
  const { data: datasets } = useDatasets();
  const set = (patch: Partial<DatasetNodeData>) => ctx.updateNodeData(id, patch);
  const errors = (field: string) => problemsFor(ctx, id, field).map((p) => p.message);
  const listId = `datasets-${id}`;
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
          onChange={(v) => set({ parameterName: v })}
        />
      ) : null}
      <TextField
        label={data.mode === "parameter" ? "Default dataset" : "Dataset"}
        hint="name, name:version or datastore://<datastore>/<path>"
        value={data.dataset}
        list={listId}
        errors={errors("dataset")}
        placeholder="mnist"
        onChange={(v) => set({ dataset: v })}
      />
      <datalist id={listId}>
        {datasets?.datasets.map((d) => (
          <option key={d.id} value={d.name}>
            {d.kind} · {d.datastore}: {d.paths.join(" ")}
          </option>
        ))}
      </datalist>
      <TextField label="Description" value={data.description ?? ""} onChange={(v) => set({ description: v || undefined })} />
    </div>
  );
}
