import type { CanvasNodeType, HandleId } from "@/lib/contracts/canvas";

/** The colour of each kind of node: its header, icon and frame. */
export const KIND_LOOK: Record<CanvasNodeType, { frame: string; header: string; icon: string }> = {
  dataset: { frame: "border-emerald-500", header: "bg-emerald-50 text-emerald-800", icon: "text-emerald-600" },
  model: { frame: "border-violet-500", header: "bg-violet-50 text-violet-800", icon: "text-violet-600" },
  step: { frame: "border-blue-600", header: "bg-blue-50 text-blue-800", icon: "text-blue-600" },
  output: { frame: "border-amber-500", header: "bg-amber-50 text-amber-800", icon: "text-amber-600" },
  parameter: { frame: "border-slate-500", header: "bg-slate-100 text-slate-700", icon: "text-slate-600" },
};

const PATHS: Record<CanvasNodeType, string> = {
  // A database cylinder.
  dataset: "M4 5c0-1.7 3.6-3 8-3s8 1.3 8 3v14c0 1.7-3.6 3-8 3s-8-1.3-8-3V5zm0 0c0 1.7 3.6 3 8 3s8-1.3 8-3M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3",
  // A cube.
  model: "M12 2l9 5v10l-9 5-9-5V7l9-5zm0 0v0M3 7l9 5 9-5M12 12v10",
  // Parallel lanes: mini-batches side by side.
  step: "M4 4h16v4H4zM4 10h16v4H4zM4 16h16v4H4zM8 4v16",
  // A tray receiving results.
  output: "M12 3v11m0 0l-4-4m4 4l4-4M4 15v4a1 1 0 001 1h14a1 1 0 001-1v-4",
  // Sliders.
  parameter: "M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0M14 4v4M8 10v4M16 16v4",
};

export function NodeIcon({ type, className = "" }: { type: CanvasNodeType; className?: string }) {
  return (
    <svg
      aria-hidden
      viewBox="0 0 24 24"
      className={`h-4 w-4 shrink-0 ${KIND_LOOK[type].icon} ${className}`}
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[type]} />
    </svg>
  );
}

/**
 * What travels through a port, shown by its colour and tooltip: data (a dataset, or a step's
 * results read as a table or files), a model, or a step's results going to an output location.
 */
export const PORT_TYPES: Record<HandleId, { color: string; kind: string; tip: string }> = {
  data: { color: "#10b981", kind: "data", tip: "data: connect to a step's inputs or side inputs" },
  inputs: { color: "#10b981", kind: "data", tip: "inputs: datasets or an upstream step's output, split into mini-batches" },
  side_inputs: { color: "#14b8a6", kind: "data", tip: "side inputs: reference data given whole to every process" },
  model: { color: "#8b5cf6", kind: "model", tip: "model: a registered ONNX model for the built-in scorer" },
  output: { color: "#2563eb", kind: "results", tip: "output: this step's results, to an Output node or a later step's inputs" },
  in: { color: "#2563eb", kind: "results", tip: "location: where a step's results are written" },
};
