"use client";

import { keys, useDatastores } from "@/components/pipelines/queries";
import { api } from "@/lib/contracts/api/client";
import { DeleteControl, useDeleteNotice } from "../delete-control";

/** Registered datastores; the built-in `workspace` cannot be deleted. */
export function DatastoreList() {
  const { data } = useDatastores();
  const { notice, onDeleted } = useDeleteNotice();
  return (
    <>
      {notice}
      <ul className="space-y-1 text-sm">
        {data?.datastores.map((d) => (
          <li key={d.id}>
            <span className="font-medium">{d.name}</span> · {d.kind} · {d.kind === "local" ? String(d.config.root) : `container ${String(d.config.container)}`}
            {d.hasSecret ? " · secret set (write-only)" : ""}
            {d.name === "workspace" ? null : <DeleteControl what={`datastore ${d.name}`} remove={() => api.deleteDatastore({ params: { name: d.name } })} queryKey={keys.datastores} onDeleted={onDeleted} role="admin" />}
          </li>
        ))}
      </ul>
    </>
  );
}
