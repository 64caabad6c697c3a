"use client";

import type { CanvasGraph } from "@/lib/contracts/canvas";
import { describeNode } from "@/lib/pipeline/connections";
import type { DesignerProblem } from "@/lib/pipeline/validate";

/** Every problem of the pipeline; errors block publishing and submission. Click one to select its node. */
export function ProblemsPanel({ problems, graph, onSelect }: { problems: DesignerProblem[]; graph: CanvasGraph; onSelect: (nodeId: string) => void }) {
  const errors = problems.filter((p) => p.severity === "error");
  const warnings = problems.filter((p) => p.severity === "warning");
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return (
    <section aria-label="Problems" className="rounded border border-slate-200 bg-white p-2 text-sm">
      <h2 className="font-semibold">
        {errors.length ? `${errors.length} ${errors.length > 1 ? "problems block" : "problem blocks"} publishing` : "No problems: ready to publish"}
      </h2>
      <ul className="mt-1 max-h-48 space-y-1 overflow-auto">
        {[...errors, ...warnings].map((p, i) => {
          const node = p.nodeId ? byId.get(p.nodeId) : undefined;
          return (
            <li key={`${p.nodeId}-${p.field}-${i}`} className={p.severity === "error" ? "text-red-800" : "text-amber-800"}>
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
      </ul>
    </section>
  );
}
