import type { CanvasGraph, CanvasNode, HandleId } from "../contracts/canvas";
import { SOURCE_HANDLES, TARGET_HANDLES } from "../contracts/canvas";

export interface Connection {
  source: string;
  sourceHandle: string | null | undefined;
  target: string;
  targetHandle: string | null | undefined;
}

export const NODE_LABELS: Record<CanvasNode["type"], string> = {
  dataset: "Dataset",
  model: "Model",
  step: "ParallelRunStep",
  output: "Output",
  parameter: "Pipeline parameter",
};

const HANDLE_LABELS: Record<HandleId, string> = {
  data: "data",
  model: "model",
  output: "output",
  inputs: "inputs",
  side_inputs: "side inputs",
  in: "location",
};

/** Which source handles may feed which target handles: the typed ports of the designer. */
const ACCEPTS: Record<string, readonly string[]> = {
  "step.inputs": ["dataset.data", "step.output"],
  "step.side_inputs": ["dataset.data", "step.output"],
  "step.model": ["model.model"],
  "output.in": ["step.output"],
};

export function describeNode(node: CanvasNode): string {
  const name =
    node.type === "step"
      ? node.data.name
      : node.type === "dataset"
        ? node.data.mode === "parameter"
          ? node.data.parameterName
          : node.data.dataset
        : node.type === "model"
          ? node.data.model
          : node.type === "parameter"
            ? node.data.name
            : node.data.path || node.data.datastore;
  return name ? `${NODE_LABELS[node.type]} '${name}'` : NODE_LABELS[node.type];
}

/** Step ids reachable from `from` by following step -> step edges. */
function downstreamSteps(graph: CanvasGraph, from: string): Map<string, string | undefined> {
  const cameFrom = new Map<string, string | undefined>([[from, undefined]]);
  const queue = [from];
  while (queue.length) {
    const id = queue.shift()!;
    for (const e of graph.edges) {
      if (e.source === id && e.sourceHandle === "output" && !cameFrom.has(e.target)) {
        cameFrom.set(e.target, id);
        queue.push(e.target);
      }
    }
  }
  return cameFrom;
}

/**
 * Why a connection may not be drawn, or undefined when it may. Checked when the user drops an
 * edge, so the reason can be shown instead of a silent refusal.
 */
export function connectionProblem(conn: Connection, graph: CanvasGraph): string | undefined {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const source = byId.get(conn.source);
  const target = byId.get(conn.target);
  if (!source || !target) return "both ends of a connection must be nodes on the canvas";
  if (source.id === target.id) return `${describeNode(source)} cannot be connected to itself`;
  const sourceHandle = conn.sourceHandle ?? SOURCE_HANDLES[source.type][0];
  const targetHandle = conn.targetHandle ?? TARGET_HANDLES[target.type][0];
  if (!sourceHandle || !(SOURCE_HANDLES[source.type] as readonly string[]).includes(sourceHandle)) {
    return `${describeNode(source)} has no output to connect from`;
  }
  if (!targetHandle || !(TARGET_HANDLES[target.type] as readonly string[]).includes(targetHandle)) {
    return `${describeNode(target)} takes no inputs: connect it from its own outputs instead`;
  }
  const accepted = ACCEPTS[`${target.type}.${targetHandle}`] ?? [];
  if (!accepted.includes(`${source.type}.${sourceHandle}`)) {
    return wrongTypeMessage(source, sourceHandle as HandleId, target, targetHandle as HandleId);
  }
  if (graph.edges.some((e) => e.source === source.id && e.target === target.id && e.targetHandle === targetHandle)) {
    return `${describeNode(source)} is already connected to the ${HANDLE_LABELS[targetHandle as HandleId]} of ${describeNode(target)}`;
  }
  if (targetHandle === "model" && graph.edges.some((e) => e.target === target.id && e.targetHandle === "model")) {
    return `${describeNode(target)} already has a model: a step's scorer uses one model (delete the other connection first)`;
  }
  if (target.type === "step" && targetHandle === "model") {
    const cfg = target.data.parallelRunConfig;
    if (cfg.entryScript && !cfg.scorer)
      return `${describeNode(target)} runs an entry script, which loads its own model: choose a built-in scorer in its panel to connect a Model`;
  }
  if (target.type === "output" && graph.edges.some((e) => e.target === target.id)) {
    return `${describeNode(target)} already receives a step's output: one output location holds one step's results`;
  }
  if (source.type === "step" && target.type === "output" && graph.edges.some((e) => e.source === source.id && byId.get(e.target)?.type === "output")) {
    return `${describeNode(source)} already writes to an Output: a step has one output location`;
  }
  if (source.type === "step" && target.type === "step") {
    const reach = downstreamSteps(graph, target.id);
    if (reach.has(source.id)) {
      const path: string[] = [];
      for (let id: string | undefined = source.id; id !== undefined; id = reach.get(id))
        path.unshift(byId.get(id)?.type === "step" ? describeNode(byId.get(id)!) : id);
      return `this would create a cycle (${[...path, describeNode(target)].join(" -> ")}): a step cannot read, directly or not, its own output`;
    }
  }
  return undefined;
}

function wrongTypeMessage(source: CanvasNode, sourceHandle: HandleId, target: CanvasNode, targetHandle: HandleId): string {
  const what = `${describeNode(source)} (${HANDLE_LABELS[sourceHandle]})`;
  const into = `the ${HANDLE_LABELS[targetHandle]} of ${describeNode(target)}`;
  if (targetHandle === "model") return `${what} cannot go into ${into}: only a Model node connects there`;
  if (targetHandle === "in") return `${what} cannot go into ${into}: an Output receives a ParallelRunStep's output`;
  if (source.type === "model") return `${what} cannot go into ${into}: a model connects to a step's model handle, inputs take datasets or step outputs`;
  return `${what} cannot go into ${into}: it takes datasets or an upstream step's output`;
}

/** One end of a connection being drawn: a node's handle and whether edges leave or enter there. */
export interface ConnectionEnd {
  nodeId: string;
  handleId: HandleId;
  handleType: "source" | "target";
}

/** A connection the user may complete from a port: to an existing node, or to a new node of a type. */
export interface ConnectionChoice {
  /** An existing node's id, or undefined for a new node of `type`. */
  nodeId?: string;
  type: CanvasNode["type"];
  handleId: HandleId;
  label: string;
  connection: Connection;
}

export const handleLabel = (handle: HandleId) => HANDLE_LABELS[handle];

const NEW_NODE_ID = "\u0000new";
const placeholderData: { [T in CanvasNode["type"]]: Extract<CanvasNode, { type: T }>["data"] } = {
  dataset: { mode: "dataset", dataset: "", parameterName: "" },
  model: { model: "" },
  step: { name: "", parallelRunConfig: { scorer: { kind: "onnx-image-classifier", model: "" } }, arguments: [], allowReuse: true },
  output: { datastore: "workspace", path: "" },
  parameter: { name: "", type: "string", default: "" },
};

const connectionFrom = (end: ConnectionEnd, otherId: string, otherHandle: HandleId): Connection =>
  end.handleType === "source"
    ? { source: end.nodeId, sourceHandle: end.handleId, target: otherId, targetHandle: otherHandle }
    : { source: otherId, sourceHandle: otherHandle, target: end.nodeId, targetHandle: end.handleId };

/**
 * What a port may be connected to: every existing node's compatible handle (for connecting by
 * keyboard), or with `newNodes` the node types that fit (the menu shown when a connection is
 * dropped on empty canvas), each checked by connectionProblem so the menu never offers a refusal.
 */
export function connectionChoices(graph: CanvasGraph, end: ConnectionEnd, options: { newNodes: boolean }): ConnectionChoice[] {
  const out: ConnectionChoice[] = [];
  const otherHandles = (type: CanvasNode["type"]): readonly HandleId[] => (end.handleType === "source" ? TARGET_HANDLES[type] : SOURCE_HANDLES[type]);
  if (options.newNodes) {
    for (const type of Object.keys(NODE_LABELS) as CanvasNode["type"][]) {
      for (const handle of otherHandles(type)) {
        const candidate = { id: NEW_NODE_ID, type, position: { x: 0, y: 0 }, data: placeholderData[type] } as CanvasNode;
        const connection = connectionFrom(end, NEW_NODE_ID, handle);
        if (connectionProblem(connection, { nodes: [...graph.nodes, candidate], edges: graph.edges })) continue;
        const several = otherHandles(type).length > 1;
        out.push({ type, handleId: handle, label: several ? `${NODE_LABELS[type]} (${HANDLE_LABELS[handle]})` : NODE_LABELS[type], connection });
      }
    }
    return out;
  }
  for (const node of graph.nodes) {
    for (const handle of otherHandles(node.type)) {
      const connection = connectionFrom(end, node.id, handle);
      if (connectionProblem(connection, graph)) continue;
      out.push({ nodeId: node.id, type: node.type, handleId: handle, label: `${HANDLE_LABELS[handle]} of ${describeNode(node)}`, connection });
    }
  }
  return out;
}

/** The connection a choice makes once its new node exists under `id`. */
export function withNewNode(choice: ConnectionChoice, id: string): Connection {
  const c = choice.connection;
  return { ...c, source: c.source === NEW_NODE_ID ? id : c.source, target: c.target === NEW_NODE_ID ? id : c.target };
}
