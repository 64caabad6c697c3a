"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, errorText } from "@/lib/contracts/api/client";
import type { PipelineSummaryJson } from "@/lib/contracts/designer-api";
import { Button } from "@/components/ui/button";
import { ErrorText, Notice } from "@/components/ui/notice";
import { Cell, Row, Table } from "@/components/ui/table";
import { usePipelines } from "./queries";
import { useCan } from "@/components/auth/current-user";

/** Pipelines: search, create, rename, duplicate, delete (with confirmation). */
export function PipelineList() {
  const [search, setSearch] = useState("");
  const { data, isLoading, error } = usePipelines(search);
  const client = useQueryClient();
  const [message, setMessage] = useState<string>();
  const refresh = () => client.invalidateQueries({ queryKey: ["pipelines"] });
  const canEdit = useCan("editor");

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-semibold">Pipelines</h1>
        <label className="flex flex-col text-sm">
          Search pipelines
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className="mt-1 w-64 rounded border border-slate-300 px-2 py-1"
            placeholder="name or description"
          />
        </label>
      </div>
      {canEdit ? <CreatePipeline onCreated={refresh} /> : null}
      {message ? <Notice tone="error">{message}</Notice> : null}
      <ErrorText error={error} />
      {isLoading ? <p>Loading…</p> : null}
      <Table
        label="Pipelines"
        variant="framed"
        columns={canEdit ? ["Name", "Latest version", "Runs", "Updated", "Actions"] : ["Name", "Latest version", "Runs", "Updated"]}
        empty={data && data.pipelines.length === 0 ? (search ? `No pipeline matches '${search}'.` : "No pipelines yet: create one above.") : undefined}
      >
        {data?.pipelines.map((p) => (
          <PipelineRow key={p.id} pipeline={p} onChanged={refresh} onError={setMessage} canEdit={canEdit} />
        ))}
      </Table>
    </div>
  );
}

function CreatePipeline({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api.createPipeline({ body: { name } }),
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
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          className="mt-1 w-64 rounded border border-slate-300 px-2 py-1"
          placeholder="digit-identification-2"
        />
      </label>
      <Button type="submit" variant="primary" disabled={create.isPending || !name.trim()}>
        Create pipeline
      </Button>
      <ErrorText error={create.error} />
    </form>
  );
}

function PipelineRow({
  pipeline: p,
  onChanged,
  onError,
  canEdit,
}: {
  pipeline: PipelineSummaryJson;
  onChanged: () => void;
  onError: (m: string | undefined) => void;
  canEdit: boolean;
}) {
  const [mode, setMode] = useState<"view" | "rename" | "duplicate" | "delete">("view");
  const [name, setName] = useState(p.name);
  const run = useMutation({
    mutationFn: async (action: "rename" | "duplicate" | "delete") => {
      const params = { id: p.id };
      if (action === "rename") return api.renamePipeline({ params, body: { name } });
      if (action === "duplicate") return api.duplicatePipeline({ params, body: { name } });
      return api.deletePipeline({ params });
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
    <Row>
      <Cell>
        <a href={`/pipelines/${p.id}`} className="font-medium text-blue-700 hover:underline">
          {p.name}
        </a>
        {p.description ? <div className="text-slate-600">{p.description}</div> : null}
      </Cell>
      <Cell>{p.latestVersion ? `v${p.latestVersion}` : "draft only"}</Cell>
      <Cell>{p.runs}</Cell>
      <Cell>{new Date(p.updatedAt).toLocaleString()}</Cell>
      {canEdit ? (
        <Cell>
          {mode === "view" ? (
            <div className="flex gap-1">
              <Button onClick={() => start("rename")} aria-label={`Rename ${p.name}`}>
                Rename
              </Button>
              <Button onClick={() => start("duplicate")} aria-label={`Duplicate ${p.name}`}>
                Duplicate
              </Button>
              <Button onClick={() => setMode("delete")} aria-label={`Delete ${p.name}`}>
                Delete
              </Button>
            </div>
          ) : mode === "delete" ? (
            <div role="alertdialog" aria-label={`Delete ${p.name}?`} className="space-y-1">
              <p>
                {p.runs > 0
                  ? `Delete ${p.name}? It leaves this list and its name is free again; its ${p.runs} run${p.runs > 1 ? "s" : ""} keep their history, outputs and logs.`
                  : `Delete ${p.name} and its ${p.latestVersion} published version${p.latestVersion === 1 ? "" : "s"}? This cannot be undone.`}
              </p>
              <div className="flex gap-1">
                <Button variant="danger" onClick={() => run.mutate("delete")} disabled={run.isPending}>
                  Confirm delete
                </Button>
                <Button onClick={() => setMode("view")}>Cancel</Button>
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
              <input
                id={`name-${p.id}`}
                value={name}
                onChange={(e) => setName(e.target.value)}
                className="w-48 rounded border border-slate-300 px-2 py-1"
                autoFocus
              />
              <Button type="submit" disabled={run.isPending}>
                {mode === "rename" ? "Save name" : "Create copy"}
              </Button>
              <Button onClick={() => setMode("view")}>Cancel</Button>
            </form>
          )}
        </Cell>
      ) : null}
    </Row>
  );
}
