"use client";

import type { OutputNodeData } from "@/lib/contracts/canvas";
import { useDatastores } from "@/components/pipelines/queries";
import { problemsFor, useDesigner } from "../../context";
import { SelectField, TextField } from "../../fields/fields";

export function OutputPanel({ id, data }: { id: string; data: OutputNodeData }) {
  const ctx = useDesigner();
  const { data: stores } = useDatastores();
  const names = stores?.datastores.map((d) => d.name) ?? [];
  if (!names.includes(data.datastore)) names.unshift(data.datastore);
  return (
    <div className="space-y-3">
      <SelectField
        label="Datastore"
        value={data.datastore}
        errors={problemsFor(ctx, id, "datastore").map((p) => p.message)}
        options={names.map((n) => ({ value: n, label: n }))}
        onChange={(v) => ctx.updateNodeData(id, { datastore: v })}
      />
      <TextField
        label="Path"
        hint="folder in the datastore"
        value={data.path}
        placeholder="runs/<run id>/<step name>"
        help="Empty: a folder per run."
        onChange={(v) => ctx.updateNodeData(id, { path: v })}
      />
    </div>
  );
}
