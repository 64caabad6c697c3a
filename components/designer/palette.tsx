"use client";

import type { CanvasNodeType } from "@/lib/contracts/canvas";
import { KIND_LOOK, NodeIcon } from "./nodes/node-look";
import { NODE_REGISTRY, PALETTE_ORDER } from "./nodes/registry";

export const DND_MIME = "application/x-prs-node";

/** Drag a node type onto the canvas, or press Enter/Space on it to add it at the centre of the view. */
export function Palette({ onAdd }: { onAdd: (type: CanvasNodeType) => void }) {
  return (
    <nav aria-label="Node palette" className="space-y-1.5">
      <ul className="space-y-1.5">
        {PALETTE_ORDER.map((type) => (
          <li key={type}>
            {/* The accessible name is the visible text ("Add" for screen readers first), the description is linked. */}
            <button
              type="button"
              draggable
              data-node-type={type}
              className={`flex w-full cursor-grab items-start gap-2 rounded-md border-l-4 border-y border-r border-y-slate-200 border-r-slate-200 bg-white p-2 text-left text-sm shadow-xs hover:bg-slate-50 focus:outline-2 focus:outline-blue-500 ${KIND_LOOK[type].frame}`}
              aria-describedby={`palette-${type}-help`}
              onDragStart={(e) => {
                e.dataTransfer.setData(DND_MIME, type);
                e.dataTransfer.effectAllowed = "move";
              }}
              onClick={() => onAdd(type)}
            >
              <NodeIcon type={type} className="mt-0.5" />
              <span className="min-w-0">
                <span className="block font-medium">
                  <span className="sr-only">Add </span>
                  {NODE_REGISTRY[type].label}
                </span>
              </span>
            </button>
            <p id={`palette-${type}-help`} className="mt-0.5 px-1 text-[11px] leading-snug text-slate-500">
              {NODE_REGISTRY[type].description}
            </p>
          </li>
        ))}
      </ul>
      <p className="pt-2 text-[11px] text-slate-500">
        Drag onto the canvas or press Enter. Drop a connection on empty canvas to add a fitting node; focus a port and press Enter to connect by keyboard.
        Delete removes, Ctrl+C / Ctrl+V copy and paste, Ctrl+Z / Ctrl+Shift+Z undo and redo, Ctrl+S saves.
      </p>
    </nav>
  );
}
