"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { keys, useDatasets } from "@/components/pipelines/queries";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { DatasetJson } from "@/lib/contracts/designer-api";
import { DeleteControl, useDeleteNotice } from "../delete-control";
import { DatasetPreview } from "./dataset-preview";

/** Registered datasets, each version on its own line, each with a preview of what it matches. */
export function DatasetList() {
  const { data } = useDatasets();
  const { notice, onDeleted } = useDeleteNotice();
  return (
    <>
      {notice}
      <ul className="space-y-1 text-sm">
        {data?.datasets.map((d) => (
          <DatasetItem key={d.id} d={d} onDeleted={onDeleted} />
        ))}
      </ul>
    </>
  );
}

function DatasetItem({ d, onDeleted }: { d: DatasetJson; onDeleted: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const preview = useMutation({ mutationFn: () => api.previewDataset({ body: { kind: d.kind, datastore: d.datastore, paths: d.paths } }) });
  return (
    <li className="break-words">
      <span className="font-medium">
        {d.name}:{d.version}
      </span>{" "}
      · {d.kind} · {d.datastore}: {d.paths.join(" ")}{" "}
      <Button
        size="sm"
        aria-expanded={open}
        aria-label={`Preview ${d.name}:${d.version}`}
        onClick={() => {
          setOpen(!open);
          if (!open && !preview.data) preview.mutate();
        }}
      >
        {open ? "Hide preview" : "Preview"}
      </Button>
      <DeleteControl
        what={`dataset ${d.name}:${d.version}`}
        remove={() => api.deleteDataset({ params: { name: d.name }, query: { version: String(d.version) } })}
        queryKey={keys.datasets}
        onDeleted={onDeleted}
      />
      {open ? (
        <div className="mt-2 rounded border border-slate-200 p-3">
          {preview.isPending ? <p className="text-slate-500">Looking at the files…</p> : null}
          <ErrorText error={preview.error} />
          {preview.data ? <DatasetPreview preview={preview.data} /> : null}
        </div>
      ) : null}
    </li>
  );
}
