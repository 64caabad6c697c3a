"use client";

import type { CanvasNodeType } from "@/lib/contracts/canvas";
import { NODE_REGISTRY, PALETTE_ORDER } from "./nodes/registry";

export const DND_MIME = "application/x-prs-node";

/** Drag a node type onto the canvas, or press Enter/Space on it to add it at the centre of the view. */
export function Palette({ onAdd }: { onAdd: (type: CanvasNodeType) => void }) {
  return (
    <nav aria-label="Node palette" className="space-y-2">
      <h2 className="text-sm font-semibold">Palette</h2>
      <ul className="space-y-2">
        {PALETTE_ORDER.map((type) => (
          <li key={type}>
            <button
              type="button"
              draggable
              data-node-type={type}
              className="w-full cursor-grab rounded border border-slate-300 bg-white p-2 text-left text-sm hover:bg-slate-100 focus:outline-2 focus:outline-blue-500"
              aria-label={`Add ${NODE_REGISTRY[type].label}`}
              aria-describedby={`palette-${type}-help`}
              onDragStart={(e) => {
                e.dataTransfer.setData(DND_MIME, type);
                e.dataTransfer.effectAllowed = "move";
              }}
              onClick={() => onAdd(type)}
            >
              <span className="font-medium">{NODE_REGISTRY[type].label}</span>
              <span id={`palette-${type}-help`} className="block text-xs text-slate-500">
                {NODE_REGISTRY[type].description}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-500">Keys: Delete removes, Ctrl+C / Ctrl+V copy and paste, Ctrl+Z / Ctrl+Shift+Z undo and redo, Ctrl+S saves.</p>
    </nav>
  );
}
