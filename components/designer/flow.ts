import type { Edge, Node } from "@xyflow/react";
import {
  CANVAS_NODE_TYPES,
  type CanvasEdge,
  type CanvasGraph,
  type CanvasNode,
  type CanvasNodeOf,
  type CanvasNodeType,
  type HandleId,
} from "@/lib/contracts/canvas";

/**
 * React Flow styles its built-in node types (`input`, `default`, `output`, `group`) with a frame of
 * its own (`.react-flow__node-output`), which would draw around our Output node's. On the canvas
 * every saved type therefore carries a prefix; the saved graph keeps its own names.
 */
const FLOW_TYPE_PREFIX = "prs-";
export type FlowNodeType<T extends CanvasNodeType = CanvasNodeType> = `${typeof FLOW_TYPE_PREFIX}${T}`;

export const toFlowType = <T extends CanvasNodeType>(type: T): FlowNodeType<T> => `${FLOW_TYPE_PREFIX}${type}`;

export function fromFlowType(type: string | undefined): CanvasNodeType {
  const saved = type?.startsWith(FLOW_TYPE_PREFIX) ? type.slice(FLOW_TYPE_PREFIX.length) : undefined;
  const known = CANVAS_NODE_TYPES.find((t) => t === saved);
  if (!known) throw new Error(`'${type}' is not a canvas node type`);
  return known;
}

/** React Flow's view of the saved graph; only `{ id, type, position, data }` goes back into it. */
export type FlowNodeOf<T extends CanvasNodeType> = Node<CanvasNodeOf<T>["data"], FlowNodeType<T>>;
export type FlowNode = { [T in CanvasNodeType]: FlowNodeOf<T> }[CanvasNodeType];
export type FlowEdge = Edge;

/** Pipeline parameters are listed in the pipeline panel and shown as badges where bound, not drawn as nodes. */
export const toFlowNode = (n: CanvasNode): FlowNode => ({ ...n, type: toFlowType(n.type), hidden: n.type === "parameter" }) as FlowNode;
export const toFlowNodes = (graph: CanvasGraph): FlowNode[] => graph.nodes.map(toFlowNode);
export const toFlowEdges = (graph: CanvasGraph): FlowEdge[] => graph.edges.map((e) => ({ ...e }));

export function toCanvas(nodes: FlowNode[], edges: FlowEdge[]): CanvasGraph {
  return {
    nodes: nodes.map(
      (n) => ({ id: n.id, type: fromFlowType(n.type), position: { x: Math.round(n.position.x), y: Math.round(n.position.y) }, data: n.data }) as CanvasNode,
    ),
    edges: edges.map(
      (e): CanvasEdge => ({ id: e.id, source: e.source, sourceHandle: e.sourceHandle as HandleId, target: e.target, targetHandle: e.targetHandle as HandleId }),
    ),
  };
}

export const newNodeId = (type: CanvasNodeType) => `${type}-${Math.random().toString(36).slice(2, 8)}`;
