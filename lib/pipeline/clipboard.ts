import type { CanvasGraph, CanvasNode, CanvasNodeType } from "../contracts/canvas";

/** The selected nodes and the edges between them, as copied with Ctrl+C. */
export function copySelection(graph: CanvasGraph, ids: ReadonlySet<string>): CanvasGraph {
  return {
    nodes: graph.nodes.filter((n) => ids.has(n.id)).map((n) => structuredClone(n)),
    edges: graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...e })),
  };
}

function uniqueName(base: string, taken: Set<string>, sep: string): string {
  if (!base) return base;
  const stem = base.replace(new RegExp(`${sep === "-" ? "-" : "_"}copy(\\d*)$`), "");
  for (let i = 1; ; i++) {
    const candidate = `${stem}${sep}copy${i === 1 ? "" : i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Adds a copied fragment with new ids, shifted by `offset`; step and parameter names are made
 * unique (predict-digits -> predict-digits-copy) so a paste never creates a naming problem.
 */
export function pasteFragment(
  graph: CanvasGraph,
  fragment: CanvasGraph,
  newId: (type: CanvasNodeType) => string,
  offset = { x: 40, y: 40 },
): { graph: CanvasGraph; pastedIds: string[] } {
  const idMap = new Map<string, string>();
  const stepNames = new Set(graph.nodes.flatMap((n) => (n.type === "step" ? [n.data.name] : [])));
  const paramNames = new Set(
    graph.nodes.flatMap((n) => (n.type === "parameter" ? [n.data.name] : n.type === "dataset" && n.data.mode === "parameter" ? [n.data.parameterName] : [])),
  );
  const nodes: CanvasNode[] = fragment.nodes.map((n) => {
    const id = newId(n.type);
    idMap.set(n.id, id);
    const copy = structuredClone(n);
    copy.id = id;
    copy.position = { x: n.position.x + offset.x, y: n.position.y + offset.y };
    if (copy.type === "step" && copy.data.name) {
      copy.data.name = uniqueName(copy.data.name, stepNames, "-").slice(0, 32);
      stepNames.add(copy.data.name);
    } else if (copy.type === "parameter" && copy.data.name) {
      copy.data.name = uniqueName(copy.data.name, paramNames, "_");
      paramNames.add(copy.data.name);
    } else if (copy.type === "dataset" && copy.data.mode === "parameter" && copy.data.parameterName) {
      copy.data.parameterName = uniqueName(copy.data.parameterName, paramNames, "_");
      paramNames.add(copy.data.parameterName);
    }
    return copy;
  });
  const edges = fragment.edges.map((e) => ({
    ...e,
    id: `e-${idMap.get(e.source)}-${idMap.get(e.target)}-${e.targetHandle}`,
    source: idMap.get(e.source)!,
    target: idMap.get(e.target)!,
  }));
  return { graph: { nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] }, pastedIds: nodes.map((n) => n.id) };
}
