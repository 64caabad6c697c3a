"use client";

import type { ComponentType } from "react";
import { Button } from "@/components/ui/button";
import type { CanvasNode } from "@/lib/contracts/canvas";
import { NODE_REGISTRY } from "./nodes/registry";

/** The settings of the selected node, from the registry. */
export function SidePanel({ node, onDelete }: { node: CanvasNode | undefined; onDelete: (id: string) => void }) {
  if (!node) {
    return (
      <aside aria-label="Node settings" className="text-sm text-slate-600">
        Select a node to edit its settings.
      </aside>
    );
  }
  const entry = NODE_REGISTRY[node.type];
  const Panel = entry.Panel as ComponentType<{ id: string; data: CanvasNode["data"] }>;
  return (
    <aside aria-label={`${entry.label} settings`} className="space-y-3">
      <div className="flex items-center justify-between">
        <h2 className="font-semibold">{entry.label} settings</h2>
        <Button size="sm" variant="danger" onClick={() => onDelete(node.id)}>
          Delete node
        </Button>
      </div>
      <Panel key={node.id} id={node.id} data={node.data} />
    </aside>
  );
}
