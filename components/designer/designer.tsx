"use client";

import { ReactFlowProvider } from "@xyflow/react";
import { useState } from "react";
import { errorText } from "@/lib/contracts/api/client";
import { usePipelineDraft } from "@/components/pipelines/queries";
import { Editor } from "./editor";

/** The designer page: loads the draft, then edits it; "Reload" after a conflict starts from the saved state. */
export function Designer({ id }: { id: string }) {
  const { data, error, isLoading, refetch } = usePipelineDraft(id);
  const [generation, setGeneration] = useState(0);
  if (isLoading) return <p>Loading the pipeline…</p>;
  if (error || !data) return <p role="alert">{error ? errorText(error) : "Pipeline not found"}</p>;
  return (
    <ReactFlowProvider>
      <p className="mb-2 text-sm">
        <a href="/pipelines" className="text-blue-700 hover:underline">
          ← Pipelines
        </a>
      </p>
      <Editor
        key={generation}
        draft={data}
        onReload={() => {
          void refetch().then(() => setGeneration((g) => g + 1));
        }}
      />
    </ReactFlowProvider>
  );
}
