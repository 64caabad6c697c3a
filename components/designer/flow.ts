import type { Edge, Node } from "@xyflow/react";
import type { CanvasEdge, CanvasGraph, CanvasNode, CanvasNodeOf, CanvasNodeType, HandleId } from "@/lib/contracts/canvas";

/** React Flow's view of the saved graph; only `{ id, type, position, data }` goes back into it. */
export type FlowNode = { [T in CanvasNodeType]: Node<CanvasNodeOf<T>["data"], T> }[CanvasNodeType];
export type FlowEdge = Edge;

export const toFlowNodes = (graph: CanvasGraph): FlowNode[] => graph.nodes.map((n) => ({ ...n }) as FlowNode);
export const toFlowEdges = (graph: CanvasGraph): FlowEdge[] => graph.edges.map((e) => ({ ...e }));

export function toCanvas(nodes: FlowNode[], edges: FlowEdge[]): CanvasGraph {
  return {
    nodes: nodes.map((n) => ({ id: n.id, type: n.type, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) }, data: n.data }) as CanvasNode),
    edges: edges.map(
      (e): CanvasEdge => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle as HandleId, target: e.target, targetHandle: e.targetHandle as HandleId }),
    ),
  };
}

export const newNodeId = (type: CanvasNodeType) => `${type}-${Math.random().toString(36).slice(2, 8)}`;
