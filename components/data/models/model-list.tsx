"use client";

import { keys, useModels } from "@/components/pipelines/queries";
import { api } from "@/lib/contracts/api/client";
import { DeleteControl, useDeleteNotice } from "../delete-control";
import { ModelSignatureTable } from "./model-signature";

/** Registered ONNX models with their signatures. */
export function ModelList() {
  const { data } = useModels();
  const { notice, onDeleted } = useDeleteNotice();
  return (
    <>
      {notice}
      <ul className="space-y-3 text-sm">
        {data?.models.map((m) => (
          <li key={m.id}>
            <span className="font-medium">
              {m.name}:{m.version}
            </span>{" "}
            · {(m.sizeBytes / 1024).toFixed(0)} KB {m.description ? `· ${m.description}` : ""}
            <DeleteControl what={`model ${m.name}:${m.version}`} remove={() => api.deleteModel({ params: { name: m.name }, query: { version: String(m.version) } })} queryKey={keys.models} onDeleted={onDeleted} />
            <ModelSignatureTable signature={m.signature} caption={`Signature of ${m.name}`} />
          </li>
        ))}
      </ul>
    </>
  );
}
