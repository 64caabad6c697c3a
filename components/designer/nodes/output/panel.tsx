"use client";

import type { OutputNodeData } from "@/lib/contracts/canvas";
import { problemsFor, useDesigner } from "../../context";
import { DatastorePicker } from "../../fields/asset-pickers";
import { TextField } from "../../fields/fields";

export function OutputPanel({ id, data }: { id: string; data: OutputNodeData }) {
  const ctx = useDesigner();
  return (
    <div className="space-y-3">
      <DatastorePicker
        label="Datastore"
        value={data.datastore}
        errors={problemsFor(ctx, id, "datastore").map((p) => p.message)}
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
