"use client";

import { useMutation } from "@tanstack/react-query";
import { type ReactNode, useRef, useState } from "react";
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
import { IfRole } from "@/components/auth/current-user";

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
  description: string;
  saving: ReturnType<typeof useDraftSaving>;
  history: ReturnType<typeof useHistory>;
  blocking: number;
  setNotice: (n: Notice | undefined) => void;
  onLayout: () => void;
  onImport: (g: CanvasGraph, description: string | undefined) => void;
  toggles: ReactNode;
}) {
  const { draft, saving, history, blocking, setNotice } = props;
  const fileInput = useRef<HTMLInputElement>(null);
  const exportMenu = useRef<HTMLDetailsElement>(null);
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
      props.onImport(r.canvas, r.definition.description);
      setNotice({
        kind: "info",
        text: `Imported '${r.definition.name}' (${r.definition.steps.length} step${r.definition.steps.length === 1 ? "" : "s"}); it is saved as '${draft.name}'`,
      });
    },
    onError: (e) => setNotice({ kind: "error", text: `Import failed: ${errorText(e)}` }),
  });

  const exportAs = (format: DefinitionFormat) => {
    exportMenu.current?.removeAttribute("open");
    const def = canvasToDefinition(props.graph, { name: draft.name, description: props.description || undefined });
    const blob = new Blob([formatDefinition(def, format)], { type: format === "yaml" ? "application/yaml" : "application/json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `${draft.name}.${format}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const sep = <span aria-hidden className="mx-0.5 hidden h-5 w-px bg-slate-200 xl:inline-block" />;
  return (
    <header data-designer-toolbar className="flex h-11 shrink-0 items-center gap-2 border-b border-slate-200 bg-white px-3">
      <a href="/pipelines" className="shrink-0 text-sm text-blue-700 hover:underline">
        ← Pipelines
      </a>
      <h1 className="min-w-24 truncate text-base font-semibold" title={draft.name}>
        {draft.name}
      </h1>
      {/* Narrow windows keep the status for screen readers and in the title bar's tooltip. */}
      <span role="status" aria-label="Save status" className="sr-only shrink-0 truncate text-xs text-slate-500 xl:not-sr-only">
        {statusText[saving.status]}
        {draft.latestVersion ? ` · v${draft.latestVersion}` : ""}
      </span>
      <div className="ml-auto flex shrink-0 items-center gap-1">
        {props.toggles}
        {sep}
        <IfRole atLeast="editor">
          <Button size="sm" onClick={history.undo} disabled={!history.canUndo}>
            Undo
          </Button>
          <Button size="sm" onClick={history.redo} disabled={!history.canRedo}>
            Redo
          </Button>
          <Button size="sm" onClick={props.onLayout}>
            Auto-layout
          </Button>
        </IfRole>
        {sep}
        <IfRole atLeast="editor">
          <Button size="sm" onClick={() => fileInput.current?.click()}>
            Import…
          </Button>
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
        </IfRole>
        <details ref={exportMenu} className="relative">
          <summary
            className={`cursor-pointer list-none rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-100 ${blocking ? "opacity-50" : ""}`}
            title={blockedTitle ?? "Export the definition in the CLI's format (snake_case, as Azure writes it)"}
          >
            Export ▾
          </summary>
          <div className="absolute right-0 z-40 mt-1 w-40 rounded border border-slate-300 bg-white p-1 shadow-lg">
            <Button size="sm" className="w-full text-left" onClick={() => exportAs("json")} disabled={blocking > 0} title={blockedTitle}>
              Export JSON
            </Button>
            <Button size="sm" className="mt-1 w-full text-left" onClick={() => exportAs("yaml")} disabled={blocking > 0} title={blockedTitle}>
              Export YAML
            </Button>
          </div>
        </details>
        {sep}
        <IfRole atLeast="editor">
          <Button size="sm" onClick={() => void saving.save()} disabled={saving.status === "saving" || saving.status === "conflict"}>
            Save
          </Button>
          <Button size="sm" onClick={() => publish.mutate(false)} disabled={blocking > 0 || publish.isPending} title={blockedTitle}>
            Publish
          </Button>
          <Button size="sm" variant="primary" onClick={() => publish.mutate(true)} disabled={blocking > 0 || publish.isPending} title={blockedTitle}>
            Submit run
          </Button>
        </IfRole>
      </div>
      <SubmitDialog pipeline={draft.name} version={submitVersion} open={submitVersion !== undefined} onClose={() => setSubmitVersion(undefined)} />
    </header>
  );
}
