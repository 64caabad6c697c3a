"use client";

import { createContext, useContext } from "react";
import type { CanvasGraph } from "@/lib/contracts/canvas";
import type { DesignerProblem } from "@/lib/pipeline/validate";

/** UI state the node bodies and panels read, keyed by node id: never stored in node data. */
export interface DesignerContextValue {
  graph: CanvasGraph;
  problemsByNode: Map<string, DesignerProblem[]>;
  /** Parameters declared on the canvas, for binding fields. */
  parameters: { name: string; type: string }[];
  updateNodeData: (id: string, patch: Record<string, unknown>) => void;
  pipelineId: string;
}

export const DesignerContext = createContext<DesignerContextValue | null>(null);

export function useDesigner(): DesignerContextValue {
  const value = useContext(DesignerContext);
  if (!value) throw new Error("useDesigner is used outside the designer");
  return value;
}

export const problemsFor = (ctx: DesignerContextValue, nodeId: string, field?: string) =>
  (ctx.problemsByNode.get(nodeId) ?? []).filter((p) => (field === undefined ? true : p.field === field));
