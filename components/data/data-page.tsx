"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { DatasetPreviewJson, DatastoreJson, ModelJson } from "@/lib/contracts/designer-api";
import { api, errorText } from "@/components/pipelines/api";
import { keys, useDatasets, useDatastores, useModels } from "@/components/pipelines/queries";
import { DeleteControl, useDeleteNotice } from "./delete-control";
import { ModelSignatureTable } from "./model-signature";

const input = "mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm";
const primary = "rounded bg-blue-600 px-3 py-1 text-sm font-medium text-white hover:bg-blue-700 disabled:opacity-50";
const button = "rounded border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-50";

/** Datastores, datasets and models: what is registered, and forms to register more from the browser. */
export function DataPage() {
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Data &amp; models</h1>
      <Datastores />
      <Datasets />
      <Models />
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

function Field({ label, children, hint }: { label: string; hint?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="text-sm">
      <label htmlFor={id} className="font-medium">
        {label}
        {hint ? <span className="ml-1 font-normal text-slate-500">({hint})</span> : null}
      </label>
      {children(id)}
    </div>
  );
}

const Failure = ({ error }: { error: unknown }) =>
  error ? (
    <p role="alert" className="text-sm text-red-700">
      {errorText(error)}
    </p>
  ) : null;

function Datastores() {
  const { data } = useDatastores();
  const client = useQueryClient();
  const [form, setForm] = useState({ name: "", kind: "local" as "local" | "azure-blob", root: "", container: "", accountUrl: "", auth: "connection-string" as "connection-string" | "sas" | "account-key", secret: "" });
  const register = useMutation({
    mutationFn: () =>
      api<DatastoreJson>("/api/datastores", {
        method: "POST",
        json:
          form.kind === "local"
            ? { name: form.name, kind: "local", root: form.root }
            : { name: form.name, kind: "azure-blob", container: form.container, accountUrl: form.accountUrl || undefined, auth: form.auth, secret: form.secret },
      }),
    onSuccess: () => {
      // The secret is write-only: clear it from the page as soon as it is stored.
      setForm((f) => ({ ...f, name: "", secret: "" }));
      void client.invalidateQueries({ queryKey: keys.datastores });
    },
  });
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const { notice, onDeleted } = useDeleteNotice();
  return (
    <Section title="Datastores">
      {notice}
      <ul className="space-y-1 text-sm">
        {data?.datastores.map((d) => (
          <li key={d.id}>
            <span className="font-medium">{d.name}</span> · {d.kind} · {d.kind === "local" ? String(d.config.root) : `container ${String(d.config.container)}`}
            {d.hasSecret ? " · secret set (write-only)" : ""}
            {d.name === "workspace" ? null : <DeleteControl what={`datastore ${d.name}`} url={`/api/datastores/${encodeURIComponent(d.name)}`} queryKey={keys.datastores} onDeleted={onDeleted} />}
          </li>
        ))}
      </ul>
      <form
        aria-label="Register a datastore"
        className="grid grid-cols-2 gap-2"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          register.mutate();
        }}
      >
        <Field label="Datastore name">{(id) => <input id={id} className={input} value={form.name} onChange={(e) => set({ name: e.target.value })} required />}</Field>
        <Field label="Kind">
          {(id) => (
            <select id={id} className={input} value={form.kind} onChange={(e) => set({ kind: e.target.value as typeof form.kind })}>
              <option value="local">Local folder</option>
              <option value="azure-blob">Azure Blob container</option>
            </select>
          )}
        </Field>
        {form.kind === "local" ? (
          <Field label="Folder" hint="absolute path on the server">
            {(id) => <input id={id} className={input} value={form.root} onChange={(e) => set({ root: e.target.value })} required />}
          </Field>
        ) : (
          <>
            <Field label="Container">{(id) => <input id={id} className={input} value={form.container} onChange={(e) => set({ container: e.target.value })} required />}</Field>
            <Field label="Account URL" hint="optional with a connection string">
              {(id) => <input id={id} className={input} value={form.accountUrl} onChange={(e) => set({ accountUrl: e.target.value })} placeholder="https://myaccount.blob.core.windows.net" />}
            </Field>
            <Field label="Authentication">
              {(id) => (
                <select id={id} className={input} value={form.auth} onChange={(e) => set({ auth: e.target.value as typeof form.auth })}>
                  <option value="connection-string">Connection string</option>
                  <option value="sas">SAS token</option>
                  <option value="account-key">Account key</option>
                </select>
              )}
            </Field>
            <Field label="Secret" hint="write-only: stored on the server, never shown again">
              {(id) => <input id={id} type="password" autoComplete="off" className={input} value={form.secret} onChange={(e) => set({ secret: e.target.value })} required />}
            </Field>
          </>
        )}
        <div className="col-span-2 flex items-center gap-2">
          <button type="submit" className={primary} disabled={register.isPending}>
            Register datastore
          </button>
          {register.isSuccess ? <span role="status">Registered {register.data.name}</span> : null}
          <Failure error={register.error} />
        </div>
      </form>
    </Section>
  );
}

function Datasets() {
  const { data } = useDatasets();
  const { data: stores } = useDatastores();
  const client = useQueryClient();
  const [form, setForm] = useState({ name: "", kind: "file" as "file" | "tabular", datastore: "workspace", paths: "", format: "csv" as "csv" | "jsonl" | "parquet", delimiter: ",", header: true, description: "" });
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const body = () => ({
    kind: form.kind,
    datastore: form.datastore,
    paths: form.paths.split(/\n|,/).map((p) => p.trim()).filter(Boolean),
    ...(form.kind === "tabular" ? { format: form.format, delimiter: form.delimiter, header: form.header } : {}),
  });
  const preview = useMutation({ mutationFn: () => api<DatasetPreviewJson>("/api/datasets/preview", { method: "POST", json: body() }) });
  const create = useMutation({
    mutationFn: () => api<{ name: string; version: number }>("/api/datasets", { method: "POST", json: { ...body(), name: form.name, description: form.description || undefined } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.datasets }),
  });
  const { notice, onDeleted } = useDeleteNotice();
  return (
    <Section title="Datasets">
      {notice}
      <ul className="space-y-1 text-sm">
        {data?.datasets.map((d) => (
          <li key={d.id}>
            <span className="font-medium">
              {d.name}:{d.version}
            </span>{" "}
            · {d.kind} · {d.datastore}: {d.paths.join(" ")}
            <DeleteControl what={`dataset ${d.name}:${d.version}`} url={`/api/datasets/${encodeURIComponent(d.name)}?version=${d.version}`} queryKey={keys.datasets} onDeleted={onDeleted} />
          </li>
        ))}
      </ul>
      <form
        aria-label="Create a dataset"
        className="grid grid-cols-2 gap-2"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label="Dataset name">{(id) => <input id={id} className={input} value={form.name} onChange={(e) => set({ name: e.target.value })} required />}</Field>
        <Field label="Dataset kind">
          {(id) => (
            <select id={id} className={input} value={form.kind} onChange={(e) => set({ kind: e.target.value as typeof form.kind })}>
              <option value="file">File dataset (one item per file)</option>
              <option value="tabular">Tabular dataset (one item per row)</option>
            </select>
          )}
        </Field>
        <Field label="Datastore">
          {(id) => (
            <select id={id} className={input} value={form.datastore} onChange={(e) => set({ datastore: e.target.value })}>
              {(stores?.datastores ?? [{ name: "workspace", id: "workspace" }]).map((d) => (
                <option key={d.id} value={d.name}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Paths" hint="folders, files or globs; comma or one per line">
          {(id) => <textarea id={id} className={input} rows={2} value={form.paths} onChange={(e) => set({ paths: e.target.value })} placeholder="mnist/" required />}
        </Field>
        {form.kind === "tabular" ? (
          <>
            <Field label="Format">
              {(id) => (
                <select id={id} className={input} value={form.format} onChange={(e) => set({ format: e.target.value as typeof form.format })}>
                  <option value="csv">CSV</option>
                  <option value="jsonl">JSON Lines</option>
                  <option value="parquet">Parquet</option>
                </select>
              )}
            </Field>
            <Field label="Delimiter" hint="CSV">
              {(id) => <input id={id} className={input} value={form.delimiter} onChange={(e) => set({ delimiter: e.target.value })} />}
            </Field>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={form.header} onChange={(e) => set({ header: e.target.checked })} /> First line names the columns
            </label>
          </>
        ) : null}
        <Field label="Description">{(id) => <input id={id} className={input} value={form.description} onChange={(e) => set({ description: e.target.value })} />}</Field>
        <div className="col-span-2 flex flex-wrap items-center gap-2">
          <button type="button" className={button} onClick={() => preview.mutate()} disabled={preview.isPending}>
            Preview
          </button>
          <button type="submit" className={primary} disabled={create.isPending}>
            Create dataset
          </button>
          {create.isSuccess ? (
            <span role="status">
              Registered {create.data.name}:{create.data.version}
            </span>
          ) : null}
          <Failure error={create.error ?? preview.error} />
        </div>
      </form>
      {preview.data ? <DatasetPreview preview={preview.data} /> : null}
    </Section>
  );
}

function DatasetPreview({ preview }: { preview: DatasetPreviewJson }) {
  return (
    <div aria-label="Dataset preview" role="region" className="space-y-2 text-sm">
      <p>
        {preview.matched === 0 ? "No files match these paths." : `${preview.more ? "More than " : ""}${preview.matched.toLocaleString()} file${preview.matched === 1 ? "" : "s"} match.`}
      </p>
      <ul className="font-mono text-xs">
        {preview.files.map((f) => (
          <li key={f.path}>
            {f.path} ({f.size.toLocaleString()} bytes)
          </li>
        ))}
      </ul>
      {preview.columns ? (
        <table className="text-xs">
          <caption className="text-left font-medium">First rows</caption>
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c} className="pr-3 text-left">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows?.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j} className="pr-3">
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function Models() {
  const { data } = useModels();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState("");
  const [file, setFile] = useState<File>();
  const upload = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.set("name", name);
      if (file) form.set("file", file);
      form.set("description", description);
      form.set("tags", tags);
      return api<ModelJson>("/api/models", { method: "POST", body: form });
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.models }),
  });
  const { notice, onDeleted } = useDeleteNotice();
  return (
    <Section title="Models">
      {notice}
      <ul className="space-y-3 text-sm">
        {data?.models.map((m) => (
          <li key={m.id}>
            <span className="font-medium">
              {m.name}:{m.version}
            </span>{" "}
            · {(m.sizeBytes / 1024).toFixed(0)} KB {m.description ? `· ${m.description}` : ""}
            <DeleteControl what={`model ${m.name}:${m.version}`} url={`/api/models/${encodeURIComponent(m.name)}?version=${m.version}`} queryKey={keys.models} onDeleted={onDeleted} />
            <ModelSignatureTable signature={m.signature} caption={`Signature of ${m.name}`} />
          </li>
        ))}
      </ul>
      <form
        aria-label="Upload an ONNX model"
        className="grid grid-cols-2 gap-2"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          upload.mutate();
        }}
      >
        <Field label="Model name">{(id) => <input id={id} className={input} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
        <Field label="ONNX file">{(id) => <input id={id} type="file" accept=".onnx" className="mt-1 text-sm" onChange={(e) => setFile(e.target.files?.[0])} required />}</Field>
        <Field label="Description">{(id) => <input id={id} className={input} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <Field label="Tags" hint="key=value, comma separated">
          {(id) => <input id={id} className={input} value={tags} onChange={(e) => setTags(e.target.value)} />}
        </Field>
        <div className="col-span-2 flex items-center gap-2">
          <button type="submit" className={primary} disabled={upload.isPending || !file}>
            Upload model
          </button>
          <Failure error={upload.error} />
        </div>
      </form>
      {upload.data ? (
        <div role="status" className="text-sm">
          Registered {upload.data.name}:{upload.data.version}
          <ModelSignatureTable signature={upload.data.signature} caption={`Signature of ${upload.data.name}:${upload.data.version}`} />
        </div>
      ) : null}
    </Section>
  );
}
