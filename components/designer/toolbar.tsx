"use client";

import { useMutation } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { SubmitDialog } from "@/components/runs/submit-dialog";
import { Button } from "@/components/ui/button";
import type { CanvasGraph } from "@/lib/contracts/canvas";
import type { PipelineDraftJson } from "@/lib/contracts/designer-api";
import { canvasToDefinition } from "@/lib/pipeline/canvas";
import { formatDefinition, type DefinitionFormat } from "@/lib/pipeline/definition-text";
import { api, errorText } from "@/lib/contracts/api/client";
import type { Notice } from "./notices";
import type { useDraftSaving } from "./use-draft-saving";
import type { useHistory } from "./use-history";

const statusText = {
  saved: "All changes saved",
  dirty: "Unsaved changes",
  saving: "Saving…",
  conflict: "Not saved: changed elsewhere",
  error: "Not saved",
} as const;

export function Toolbar(props: {
  draft: PipelineDraftJson;
  graph: CanvasGraph;
  saving: ReturnType<typeof useDraftSaving>;
  history: ReturnType<typeof useHistory>;
  blocking: number;
  setNotice: (n: Notice | undefined) => void;
  onLayout: () => void;
  onFit: () => void;
  onImport: (g: CanvasGraph) => void;
}) {
  const { draft, saving, history, blocking, setNotice } = props;
  const fileInput = useRef<HTMLInputElement>(null);
  const [submitVersion, setSubmitVersion] = useState<number | undefined>(undefined);
  const blockedTitle = blocking ? `${blocking} problem${blocking > 1 ? "s" : ""} must be fixed first (see Problems)` : undefined;

  const publish = useMutation({
    mutationFn: async (submit: boolean) => {
      if (!(await saving.save())) throw new Error("Save the draft first (see the message over the canvas)");
      const body = { expectedRevision: saving.revision.current };
      return { submit, ...(await api.publishPipeline({ params: { id: draft.id }, body })) };
    },
    onSuccess: (r) => {
      // Submitting publishes first, then asks for the experiment and parameter values.
      if (r.submit) setSubmitVersion(r.version);
      else setNotice({ kind: "info", text: !r.created ? `Version ${r.version} is unchanged: nothing new to publish` : `Published version ${r.version}` });
    },
    onError: (e) => setNotice({ kind: "error", text: errorText(e) }),
  });

  const importFile = useMutation({
    mutationFn: async (file: File) => {
      const text = await file.text();
      const format = /\.ya?ml$/i.test(file.name) ? "yaml" : /\.json$/i.test(file.name) ? "json" : undefined;
      return api.importDefinition({ body: { text, format } });
    },
    onSuccess: (r) => {
      props.onImport(r.canvas);
      setNotice({
        kind: "info",
        text: `Imported '${r.definition.name}' (${r.definition.steps.length} step${r.definition.steps.length === 1 ? "" : "s"}); it is saved as '${draft.name}'`,
      });
    },
    onError: (e) => setNotice({ kind: "error", text: `Import failed: ${errorText(e)}` }),
  });

  const exportAs = (format: DefinitionFormat) => {
    const def = canvasToDefinition(props.graph, { name: draft.name, description: draft.description });
    const blob = new Blob([formatDefinition(def, format)], { type: format === "yaml" ? "application/yaml" : "application/json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `${draft.name}.${format}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="mr-2 text-xl font-semibold">{draft.name}</h1>
        <span role="status" aria-label="Save status" className="text-sm text-slate-600">
          {statusText[saving.status]}
          {draft.latestVersion ? ` · latest version v${draft.latestVersion}` : ""}
        </span>
        <div className="ml-auto flex flex-wrap gap-1">
          <Button onClick={history.undo} disabled={!history.canUndo}>
            Undo
          </Button>
          <Button onClick={history.redo} disabled={!history.canRedo}>
            Redo
          </Button>
          <Button onClick={props.onLayout}>Auto-layout</Button>
          <Button onClick={props.onFit}>Fit view</Button>
          <Button onClick={() => exportAs("json")} disabled={blocking > 0} title={blockedTitle}>
            Export JSON
          </Button>
          <Button onClick={() => exportAs("yaml")} disabled={blocking > 0} title={blockedTitle}>
            Export YAML
          </Button>
          <Button onClick={() => fileInput.current?.click()}>Import…</Button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,.yaml,.yml,application/json,application/yaml"
            className="hidden"
            aria-label="Import a pipeline definition (JSON or YAML)"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) importFile.mutate(f);
              e.target.value = "";
            }}
          />
          <Button onClick={() => void saving.save()} disabled={saving.status === "saving" || saving.status === "conflict"}>
            Save
          </Button>
          <Button onClick={() => publish.mutate(false)} disabled={blocking > 0 || publish.isPending} title={blockedTitle}>
            Publish
          </Button>
          <Button variant="primary" onClick={() => publish.mutate(true)} disabled={blocking > 0 || publish.isPending} title={blockedTitle}>
            Submit run
          </Button>
        </div>
      </div>
      <SubmitDialog pipeline={draft.name} version={submitVersion} open={submitVersion !== undefined} onClose={() => setSubmitVersion(undefined)} />
    </div>
  );
}
