"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { PipelineDraftJson, PipelineSummaryJson } from "@/lib/contracts/designer-api";
import { api, errorText } from "./api";
import { usePipelines } from "./queries";

const button = "rounded border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-50";
const primary = "rounded bg-blue-600 px-3 py-1 text-sm font-medium text-white hover:bg-blue-700 disabled:opacity-50";

/** Pipelines: search, create, rename, duplicate, delete (with confirmation). */
export function PipelineList() {
  const [search, setSearch] = useState("");
  const { data, isLoading, error } = usePipelines(search);
  const client = useQueryClient();
  const [message, setMessage] = useState<string>();
  const refresh = () => client.invalidateQueries({ queryKey: ["pipelines"] });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-semibold">Pipelines</h1>
        <label className="flex flex-col text-sm">
          Search pipelines
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} className="mt-1 w-64 rounded border border-slate-300 px-2 py-1" placeholder="name or description" />
        </label>
      </div>
      <CreatePipeline onCreated={refresh} />
      {message ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800">
          {message}
        </p>
      ) : null}
      {error ? <p role="alert">{errorText(error)}</p> : null}
      {isLoading ? <p>Loading…</p> : null}
      <table className="w-full rounded border border-slate-200 bg-white text-sm">
        <caption className="sr-only">Pipelines</caption>
        <thead className="bg-slate-100 text-left">
          <tr>
            <th className="p-2">Name</th>
            <th className="p-2">Latest version</th>
            <th className="p-2">Runs</th>
            <th className="p-2">Updated</th>
            <th className="p-2">Actions</th>
          </tr>
        </thead>
        <tbody>
          {data?.pipelines.map((p) => <PipelineRow key={p.id} pipeline={p} onChanged={refresh} onError={setMessage} />)}
          {data && data.pipelines.length === 0 ? (
            <tr>
              <td colSpan={5} className="p-4 text-slate-600">
                {search ? `No pipeline matches '${search}'.` : "No pipelines yet: create one above."}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function CreatePipeline({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api<PipelineDraftJson>("/api/pipelines", { method: "POST", json: { name } }),
    onSuccess: (p) => {
      onCreated();
      window.location.assign(`/pipelines/${p.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2 rounded border border-slate-200 bg-white p-4" aria-label="Create a pipeline">
      <label className="flex flex-col text-sm">
        New pipeline name
        <input value={name} onChange={(e) => setName(e.target.value)} required className="mt-1 w-64 rounded border border-slate-300 px-2 py-1" placeholder="digit-identification-2" />
      </label>
      <button type="submit" className={primary} disabled={create.isPending || !name.trim()}>
        Create pipeline
      </button>
      {create.error ? (
        <p role="alert" className="text-sm text-red-700">
          {errorText(create.error)}
        </p>
      ) : null}
    </form>
  );
}

function PipelineRow({ pipeline: p, onChanged, onError }: { pipeline: PipelineSummaryJson; onChanged: () => void; onError: (m: string | undefined) => void }) {
  const [mode, setMode] = useState<"view" | "rename" | "duplicate" | "delete">("view");
  const [name, setName] = useState(p.name);
  const run = useMutation({
    mutationFn: async (action: "rename" | "duplicate" | "delete") => {
      if (action === "rename") return api(`/api/pipelines/${p.id}`, { method: "PATCH", json: { name } });
      if (action === "duplicate") return api(`/api/pipelines/${p.id}/duplicate`, { method: "POST", json: { name } });
      return api(`/api/pipelines/${p.id}`, { method: "DELETE" });
    },
    onSuccess: () => {
      setMode("view");
      onError(undefined);
      onChanged();
    },
    onError: (e) => onError(errorText(e)),
  });
  const start = (m: "rename" | "duplicate") => {
    setName(m === "duplicate" ? `${p.name}-copy` : p.name);
    setMode(m);
  };
  return (
    <tr className="border-t border-slate-200 align-top">
      <td className="p-2">
        <a href={`/pipelines/${p.id}`} className="font-medium text-blue-700 hover:underline">
          {p.name}
        </a>
        {p.description ? <div className="text-slate-600">{p.description}</div> : null}
      </td>
      <td className="p-2">{p.latestVersion ? `v${p.latestVersion}` : "draft only"}</td>
      <td className="p-2">{p.runs}</td>
      <td className="p-2">{new Date(p.updatedAt).toLocaleString()}</td>
      <td className="p-2">
        {mode === "view" ? (
          <div className="flex gap-1">
            <button type="button" className={button} onClick={() => start("rename")} aria-label={`Rename ${p.name}`}>
              Rename
            </button>
            <button type="button" className={button} onClick={() => start("duplicate")} aria-label={`Duplicate ${p.name}`}>
              Duplicate
            </button>
            <button type="button" className={button} onClick={() => setMode("delete")} aria-label={`Delete ${p.name}`}>
              Delete
            </button>
          </div>
        ) : mode === "delete" ? (
          <div role="alertdialog" aria-label={`Delete ${p.name}?`} className="space-y-1">
            <p>
              {p.runs > 0
                ? `Delete ${p.name}? It leaves this list and its name is free again; its ${p.runs} run${p.runs > 1 ? "s" : ""} keep their history, outputs and logs.`
                : `Delete ${p.name} and its ${p.latestVersion} published version${p.latestVersion === 1 ? "" : "s"}? This cannot be undone.`}
            </p>
            <div className="flex gap-1">
              <button type="button" className={button} onClick={() => run.mutate("delete")} disabled={run.isPending}>
                Confirm delete
              </button>
              <button type="button" className={button} onClick={() => setMode("view")}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <form
            className="flex gap-1"
            onSubmit={(e) => {
              e.preventDefault();
              run.mutate(mode);
            }}
          >
            <label className="sr-only" htmlFor={`name-${p.id}`}>
              {mode === "rename" ? `New name for ${p.name}` : `Name of the copy of ${p.name}`}
            </label>
            <input id={`name-${p.id}`} value={name} onChange={(e) => setName(e.target.value)} className="w-48 rounded border border-slate-300 px-2 py-1" autoFocus />
            <button type="submit" className={button} disabled={run.isPending}>
              {mode === "rename" ? "Save name" : "Create copy"}
            </button>
            <button type="button" className={button} onClick={() => setMode("view")}>
              Cancel
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}
