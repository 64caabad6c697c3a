"use client";

import { Button } from "@/components/ui/button";
import type { CanvasGraph } from "@/lib/contracts/canvas";
import { canvasParameters } from "@/lib/pipeline/canvas";
import { stepBindings } from "@/lib/pipeline/parameters";
import { TextField } from "./fields/fields";

/**
 * What the side panel shows with no node selected: the pipeline's description and its
 * parameters, each with the step fields bound to it. Parameters live here, not on the canvas.
 */
export function PipelinePanel({
  graph,
  description,
  onDescription,
  onAddParameter,
  onSelect,
}: {
  graph: CanvasGraph;
  description: string;
  onDescription: (text: string) => void;
  onAddParameter: () => void;
  onSelect: (nodeId: string) => void;
}) {
  const params = canvasParameters(graph);
  const usages = new Map<string, string[]>();
  for (const n of graph.nodes)
    if (n.type === "step") for (const b of stepBindings(n)) usages.set(b.param, [...(usages.get(b.param) ?? []), `${n.data.name || "step"}.${b.field}`]);
  return (
    <aside aria-label="Pipeline settings" className="space-y-4">
      <h2 className="font-semibold">Pipeline</h2>
      <TextField label="Description" value={description} placeholder="What this pipeline does" onChange={onDescription} />
      <section aria-label="Pipeline parameters" className="space-y-2">
        <div className="flex items-center justify-between">
          <h3 className="text-sm font-semibold">Parameters</h3>
          <Button size="sm" onClick={onAddParameter}>
            Add parameter
          </Button>
        </div>
        {params.length === 0 ? <p className="text-xs text-slate-500">None yet: a parameter is a value each submission can override.</p> : null}
        <ul className="space-y-1">
          {params.map((p) => (
            <li key={p.nodeId}>
              <button
                type="button"
                className="w-full rounded border border-slate-200 px-2 py-1 text-left text-sm hover:bg-slate-50"
                onClick={() => onSelect(p.nodeId)}
              >
                <span className="font-mono font-medium">{p.name || "(unnamed)"}</span>{" "}
                <span className="text-xs text-slate-500">
                  {String(p.type)} = {String(p.default) || "''"}
                </span>
                <span className="block truncate text-xs text-slate-500">
                  {usages.get(p.name)?.length ? `bound by ${usages.get(p.name)?.join(", ")}` : "not bound yet"}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <p className="text-xs text-slate-500">Select a node on the canvas to edit its settings.</p>
    </aside>
  );
}
