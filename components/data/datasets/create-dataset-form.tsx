"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { keys, useDatastores } from "@/components/pipelines/queries";
import { Button } from "@/components/ui/button";
import { CheckboxField, Field, inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { DatasetPreviewRequest } from "@/lib/contracts/designer-api";
import { DatasetPreview } from "./dataset-preview";

const empty = { name: "", kind: "file" as "file" | "tabular", datastore: "workspace", paths: "", format: "csv" as "csv" | "jsonl" | "parquet", delimiter: ",", header: true, description: "" };
type Form = typeof empty;

/** What both preview and create send: where the files are and, for a table, how to read them. */
const sourceBody = (form: Form): DatasetPreviewRequest => ({
  kind: form.kind,
  datastore: form.datastore,
  paths: form.paths
    .split(/\n|,/)
    .map((p) => p.trim())
    .filter(Boolean),
  ...(form.kind === "tabular" ? { format: form.format, delimiter: form.delimiter, header: form.header } : {}),
});

/** Registers a file or tabular dataset; Preview shows what its paths match first. */
export function CreateDatasetForm() {
  const client = useQueryClient();
  const [form, setForm] = useState(empty);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const preview = useMutation({ mutationFn: () => api.previewDataset({ body: sourceBody(form) }) });
  const create = useMutation({
    mutationFn: () => api.registerDataset({ body: { ...sourceBody(form), name: form.name, description: form.description || undefined } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.datasets }),
  });
  return (
    <>
      <form
        aria-label="Create a dataset"
        className="grid grid-cols-2 gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label="Dataset name">{(c) => <input {...c} className={inputClass} value={form.name} onChange={(e) => set({ name: e.target.value })} required />}</Field>
        <Field label="Dataset kind">
          {(c) => (
            <select {...c} className={inputClass} value={form.kind} onChange={(e) => set({ kind: e.target.value as Form["kind"] })}>
              <option value="file">File dataset (one item per file)</option>
              <option value="tabular">Tabular dataset (one item per row)</option>
            </select>
          )}
        </Field>
        <DatastoreField value={form.datastore} onChange={(datastore) => set({ datastore })} />
        <Field label="Paths" hint="folders, files or globs; comma or one per line">
          {(c) => <textarea {...c} className={inputClass} rows={2} value={form.paths} onChange={(e) => set({ paths: e.target.value })} placeholder="mnist/" required />}
        </Field>
        {form.kind === "tabular" ? <TabularFields form={form} set={set} /> : null}
        <Field label="Description">{(c) => <input {...c} className={inputClass} value={form.description} onChange={(e) => set({ description: e.target.value })} />}</Field>
        <div className="col-span-2 flex flex-wrap items-center gap-2">
          <Button onClick={() => preview.mutate()} disabled={preview.isPending}>
            Preview
          </Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            Create dataset
          </Button>
          {create.isSuccess ? (
            <span role="status">
              Registered {create.data.name}:{create.data.version}
            </span>
          ) : null}
          <ErrorText error={create.error ?? preview.error} />
        </div>
      </form>
      {preview.data ? <DatasetPreview preview={preview.data} /> : null}
    </>
  );
}

function DatastoreField({ value, onChange }: { value: string; onChange: (name: string) => void }) {
  const { data: stores } = useDatastores();
  return (
    <Field label="Datastore">
      {(c) => (
        <select {...c} className={inputClass} value={value} onChange={(e) => onChange(e.target.value)}>
          {(stores?.datastores ?? [{ name: "workspace", id: "workspace" }]).map((d) => (
            <option key={d.id} value={d.name}>
              {d.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function TabularFields({ form, set }: { form: Form; set: (patch: Partial<Form>) => void }) {
  return (
    <>
      <Field label="Format">
        {(c) => (
          <select {...c} className={inputClass} value={form.format} onChange={(e) => set({ format: e.target.value as Form["format"] })}>
            <option value="csv">CSV</option>
            <option value="jsonl">JSON Lines</option>
            <option value="parquet">Parquet</option>
          </select>
        )}
      </Field>
      <Field label="Delimiter" hint="CSV">
        {(c) => <input {...c} className={inputClass} value={form.delimiter} onChange={(e) => set({ delimiter: e.target.value })} />}
      </Field>
      <CheckboxField label="First line names the columns" checked={form.header} onChange={(header) => set({ header })} />
    </>
  );
}
