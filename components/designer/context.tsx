"use client";

import { createContext, useContext } from "react";
import type { CanvasGraph } from "@/lib/contracts/canvas";
import type { DatasetJson, ModelJson } from "@/lib/contracts/designer-api";
import type { ConnectionEnd } from "@/lib/pipeline/connections";
import type { DesignerProblem } from "@/lib/pipeline/validate";

/** UI state the node bodies and panels read, keyed by node id: never stored in node data. */
export interface DesignerContextValue {
  graph: CanvasGraph;
  problemsByNode: Map<string, DesignerProblem[]>;
  /** Parameters declared on the canvas, for binding fields. */
  parameters: { name: string; type: string }[];
  updateNodeData: (id: string, patch: Record<string, unknown>) => void;
  /** Renames the parameter a node declares and every binding to it. */
  renameParameter: (id: string, name: string) => void;
  /** Opens the menu of ports a focused port may connect to (connecting by keyboard). */
  startConnect: (end: ConnectionEnd, anchor: DOMRect) => void;
  /** Registered datasets and models (latest versions), once loaded. */
  datasets: DatasetJson[];
  models: ModelJson[];
  pipelineId: string;
  /** A viewer's designer: shown, not changed (no connecting, dragging or deleting). */
  readOnly: boolean;
}

export const DesignerContext = createContext<DesignerContextValue | null>(null);

export function useDesigner(): DesignerContextValue {
  const value = useContext(DesignerContext);
  if (!value) throw new Error("useDesigner is used outside the designer");
  return value;
}

export const problemsFor = (ctx: DesignerContextValue, nodeId: string, field?: string) =>
  (ctx.problemsByNode.get(nodeId) ?? []).filter((p) => (field === undefined ? true : p.field === field));
