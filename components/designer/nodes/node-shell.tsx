"use client";

import { Handle, Position } from "@xyflow/react";
import type { ReactNode } from "react";
import { problemsFor, useDesigner } from "../context";

export interface HandleSpec {
  id: string;
  type: "source" | "target";
  label: string;
}

const colors: Record<string, string> = {
  dataset: "border-emerald-500",
  model: "border-violet-500",
  step: "border-blue-600",
  output: "border-amber-500",
  parameter: "border-slate-500",
};

/** The common canvas body: type, title, problem badge and labelled, typed handles. */
export function NodeShell({
  id,
  type,
  kind,
  title,
  selected,
  handles,
  children,
}: {
  id: string;
  type: string;
  kind: string;
  title: string;
  selected?: boolean;
  handles: HandleSpec[];
  children?: ReactNode;
}) {
  const ctx = useDesigner();
  const problems = problemsFor(ctx, id);
  const errors = problems.filter((p) => p.severity === "error").length;
  const targets = handles.filter((h) => h.type === "target");
  const sources = handles.filter((h) => h.type === "source");
  return (
    <div
      className={`min-w-44 rounded-md border-2 bg-white px-3 py-2 text-xs shadow-sm ${colors[type] ?? ""} ${selected ? "ring-2 ring-blue-300" : ""}`}
      aria-label={`${kind} ${title}`}
    >
      <div className="flex items-center justify-between gap-2">
        <span className="font-semibold uppercase tracking-wide text-slate-500">{kind}</span>
        {errors ? (
          <span className="rounded bg-red-600 px-1 text-white" title={problems.map((p) => p.message).join("\n")}>
            {errors} problem{errors > 1 ? "s" : ""}
          </span>
        ) : null}
      </div>
      <div className="truncate text-sm font-medium text-slate-900">{title || <em className="text-slate-500">unnamed</em>}</div>
      {children}
      <Ports targets={targets} sources={sources} nodeTitle={title} />
    </div>
  );
}

/**
 * One row per port below the text, inputs on the left edge and outputs on the right, each handle
 * centred on its own label's row, so a label never sits on the title or the settings.
 */
function Ports({ targets, sources, nodeTitle }: { targets: HandleSpec[]; sources: HandleSpec[]; nodeTitle: string }) {
  const rows = Math.max(targets.length, sources.length);
  if (rows === 0) return null;
  return (
    <div className="-mx-3 mt-1.5 border-t border-slate-200 pt-1">
      {Array.from({ length: rows }, (_, i) => (
        <div key={targets[i]?.id ?? sources[i]?.id} className="relative flex h-4 items-center justify-between gap-3 px-3 text-[10px] text-slate-500">
          {targets[i] ? <PortHandle spec={targets[i]} position={Position.Left} nodeTitle={nodeTitle} /> : <span />}
          {sources[i] ? <PortHandle spec={sources[i]} position={Position.Right} nodeTitle={nodeTitle} /> : <span />}
        </div>
      ))}
    </div>
  );
}

function PortHandle({ spec, position, nodeTitle }: { spec: HandleSpec; position: Position; nodeTitle: string }) {
  return (
    <>
      <Handle
        type={spec.type}
        position={position}
        id={spec.id}
        style={{ width: 10, height: 10 }}
        aria-label={`${spec.label} of ${nodeTitle || "node"}`}
        title={spec.label}
      />
      <span className="pointer-events-none">{spec.label}</span>
    </>
  );
}
