"use client";

import type { CanvasGraph } from "@/lib/contracts/canvas";
import { describeNode } from "@/lib/pipeline/connections";
import type { DesignerProblem } from "@/lib/pipeline/validate";

/**
 * Every problem of the pipeline in a drawer at the bottom of the canvas: its summary line is
 * always visible, the list opens on demand. Errors block publishing; click one to select its node.
 */
export function ProblemsPanel({
  problems,
  graph,
  open,
  onToggle,
  onSelect,
}: {
  problems: DesignerProblem[];
  graph: CanvasGraph;
  open: boolean;
  onToggle: () => void;
  onSelect: (nodeId: string) => void;
}) {
  const errors = problems.filter((p) => p.severity === "error");
  const warnings = problems.filter((p) => p.severity === "warning");
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const summary = errors.length
    ? `${errors.length} ${errors.length > 1 ? "problems block" : "problem blocks"} publishing`
    : warnings.length
      ? `No problems: ready to publish (${warnings.length} warning${warnings.length > 1 ? "s" : ""})`
      : "No problems: ready to publish";
  return (
    <section aria-label="Problems" className="shrink-0 border-t border-slate-300 bg-white text-sm">
      <h2 className="m-0">
        <button
          type="button"
          aria-expanded={open}
          aria-controls="designer-problems-list"
          className={`flex w-full items-center gap-2 px-3 py-1.5 text-left font-semibold hover:bg-slate-50 ${errors.length ? "text-red-800" : "text-emerald-800"}`}
          onClick={onToggle}
        >
          <span
            aria-hidden
            className={`inline-block h-2 w-2 rounded-full ${errors.length ? "bg-red-600" : warnings.length ? "bg-amber-500" : "bg-emerald-500"}`}
          />
          {summary}
          <span aria-hidden className="ml-auto text-xs text-slate-500">
            {open ? "▾ hide" : "▴ show"}
          </span>
        </button>
      </h2>
      <ul id="designer-problems-list" hidden={!open} className="max-h-40 space-y-1 overflow-auto px-3 pb-2">
        {[...errors, ...warnings].map((p, i) => {
          const node = p.nodeId ? byId.get(p.nodeId) : undefined;
          return (
            <li key={`${p.nodeId}-${p.field}-${i}`} className={`break-words ${p.severity === "error" ? "text-red-800" : "text-amber-800"}`}>
              {node ? (
                <button type="button" className="text-left hover:underline" onClick={() => onSelect(node.id)}>
                  <span className="font-medium">{p.severity === "error" ? "Error" : "Warning"}</span> · {describeNode(node)}: {p.message}
                </button>
              ) : (
                <span>
                  <span className="font-medium">{p.severity === "error" ? "Error" : "Warning"}</span> · pipeline: {p.message}
                </span>
              )}
            </li>
          );
        })}
        {problems.length === 0 ? <li className="text-slate-500">Nothing to fix.</li> : null}
      </ul>
    </section>
  );
}
