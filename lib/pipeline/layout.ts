import type { CanvasGraph } from "../contracts/canvas";

export const LAYER_GAP = 300;
export const ROW_GAP = 150;

/**
 * Layered layout from left to right: data, models and parameters first, each step one layer after
 * the latest step it reads from, outputs right of their step. Order inside a layer follows the
 * current vertical order, so re-running it does not shuffle the user's arrangement.
 */
export function autoLayout(graph: CanvasGraph): CanvasGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    if (!node || visiting.has(id)) return 0;
    visiting.add(id);
    let d = 0;
    if (node.type === "step" || node.type === "output") {
      const incoming = graph.edges.filter((e) => e.target === id).map((e) => depthOf(e.source) + 1);
      d = Math.max(node.type === "step" ? 1 : 2, ...incoming);
    }
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const layers = new Map<number, string[]>();
  for (const n of graph.nodes) {
    const d = depthOf(n.id);
    layers.set(d, [...(layers.get(d) ?? []), n.id]);
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const [d, ids] of layers) {
    const sorted = [...ids].sort((a, b) => byId.get(a)!.position.y - byId.get(b)!.position.y || 0);
    sorted.forEach((id, i) => positions.set(id, { x: d * LAYER_GAP, y: i * ROW_GAP }));
  }
  return { nodes: graph.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })), edges: graph.edges };
}
