"use client";

import { keys, useDatasets } from "@/components/pipelines/queries";
import { api } from "@/lib/contracts/api/client";
import { DeleteControl, useDeleteNotice } from "../delete-control";

/** Registered datasets, each version on its own line. */
export function DatasetList() {
  const { data } = useDatasets();
  const { notice, onDeleted } = useDeleteNotice();
  return (
    <>
      {notice}
      <ul className="space-y-1 text-sm">
        {data?.datasets.map((d) => (
          <li key={d.id}>
            <span className="font-medium">
              {d.name}:{d.version}
            </span>{" "}
            · {d.kind} · {d.datastore}: {d.paths.join(" ")}
            <DeleteControl what={`dataset ${d.name}:${d.version}`} remove={() => api.deleteDataset({ params: { name: d.name }, query: { version: String(d.version) } })} queryKey={keys.datasets} onDeleted={onDeleted} />
          </li>
        ))}
      </ul>
    </>
  );
}
