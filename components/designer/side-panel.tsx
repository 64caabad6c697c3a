"use client";

import type { ComponentType } from "react";
import { Button } from "@/components/ui/button";
import type { CanvasNode } from "@/lib/contracts/canvas";
import { NodeIcon } from "./nodes/node-look";
import { NODE_REGISTRY } from "./nodes/registry";

/** The settings of the selected node, from the registry. */
export function SidePanel({ node, onDelete }: { node: CanvasNode; onDelete: (id: string) => void }) {
  const entry = NODE_REGISTRY[node.type];
  const Panel = entry.Panel as ComponentType<{ id: string; data: CanvasNode["data"] }>;
  return (
    <aside aria-label={`${entry.label} settings`} className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2 className="flex items-center gap-1.5 font-semibold">
          <NodeIcon type={node.type} />
          {entry.label} settings
        </h2>
        <Button size="sm" variant="danger" onClick={() => onDelete(node.id)}>
          {node.type === "parameter" ? "Delete parameter" : "Delete node"}
        </Button>
      </div>
      <Panel key={node.id} id={node.id} data={node.data} />
    </aside>
  );
}
