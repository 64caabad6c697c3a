"use client";

import { PARAMETER_TYPES } from "@/lib/contracts/pipeline";
import type { ParameterNodeData } from "@/lib/contracts/canvas";
import { problemsFor, useDesigner } from "../../context";
import { SelectField, TextField } from "../../fields/fields";

/** Numbers are stored as numbers so the exported definition reads like the CLI's. */
const typedDefault = (text: string, type: ParameterNodeData["type"]): ParameterNodeData["default"] =>
  // A whole number past 2^53 stays text, so its problem quotes what was typed (not 1e+23).
  (type === "int" || type === "number") && text.trim() !== "" && Number.isFinite(Number(text)) && (type === "number" || Number.isSafeInteger(Number(text)))
    ? Number(text)
    : type === "bool" && /^(true|false)$/i.test(text)
      ? text.toLowerCase() === "true"
      : text;

export function ParameterPanel({ id, data }: { id: string; data: ParameterNodeData }) {
  const ctx = useDesigner();
  const errors = (f: string) => problemsFor(ctx, id, f).map((p) => p.message);
  return (
    <div className="space-y-3">
      <TextField
        label="Parameter name"
        value={data.name}
        errors={errors("name")}
        placeholder="batch_size_param"
        help="Renaming it renames every binding to it."
        onChange={(v) => ctx.renameParameter(id, v)}
      />
      <SelectField
        label="Type"
        value={data.type}
        options={PARAMETER_TYPES.map((t) => ({ value: t, label: t }))}
        onChange={(v) => ctx.updateNodeData(id, { type: v, default: typedDefault(String(data.default), v as ParameterNodeData["type"]) })}
      />
      <TextField
        label="Default value"
        value={String(data.default)}
        errors={errors("default")}
        help="Used when a submission does not pass a value."
        onChange={(v) => ctx.updateNodeData(id, { default: typedDefault(v, data.type) })}
      />
      <TextField label="Description" value={data.description ?? ""} onChange={(v) => ctx.updateNodeData(id, { description: v || undefined })} />
      <p className="text-xs text-slate-500">Bind step fields to this parameter with their Bind button; bound fields show it as a badge on the step.</p>
    </div>
  );
}
