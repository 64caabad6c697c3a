"use client";

import "@xyflow/react/dist/style.css";
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { CanvasGraph, CanvasNode, CanvasNodeType } from "@/lib/contracts/canvas";
import type { PipelineDraftJson } from "@/lib/contracts/designer-api";
import { copySelection, pasteFragment } from "@/lib/pipeline/clipboard";
import { canvasParameters } from "@/lib/pipeline/canvas";
import { connectionProblem } from "@/lib/pipeline/connections";
import { autoLayout } from "@/lib/pipeline/layout";
import { blockingProblems, designerProblems, type DesignerProblem } from "@/lib/pipeline/validate";
import { useDatasets } from "@/components/pipelines/queries";
import { DesignerContext, type DesignerContextValue } from "./context";
import { newNodeId, toCanvas, toFlowEdges, toFlowNode, toFlowNodes, type FlowEdge, type FlowNode } from "./flow";
import { NODE_REGISTRY, nodeTypes } from "./nodes/registry";
import { DND_MIME, Palette } from "./palette";
import { ProblemsPanel } from "./problems-panel";
import { SidePanel } from "./side-panel";
import { DesignerNotices, type Notice } from "./notices";
import { Toolbar } from "./toolbar";
import { useDraftSaving } from "./use-draft-saving";
import { useHistory } from "./use-history";

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

export function Editor({ draft, onReload }: { draft: PipelineDraftJson; onReload: () => void }) {
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const [nodes, setNodes] = useState<FlowNode[]>(() => toFlowNodes(draft.canvas));
  const [edges, setEdges] = useState<FlowEdge[]>(() => toFlowEdges(draft.canvas));
  const [notice, setNotice] = useState<Notice>();
  const dismissNotice = useCallback((shown: Notice) => setNotice((n) => (n === shown ? undefined : n)), []);
  // Fitting waits for the first measured node: on an empty canvas that would be the first one dropped,
  // which would jump to the centre (and the next land on it). Only a drawn pipeline is fitted on open.
  const [fitOnOpen] = useState(() => draft.canvas.nodes.length > 0);
  const wrapper = useRef<HTMLDivElement>(null);
  const clipboard = useRef<CanvasGraph | undefined>(undefined);
  const state = useRef({ nodes, edges });
  state.current = { nodes, edges };

  const graph = useMemo(() => toCanvas(nodes, edges), [nodes, edges]);
  const current = useCallback(() => toCanvas(state.current.nodes, state.current.edges), []);
  const restore = useCallback((g: CanvasGraph) => {
    setNodes(toFlowNodes(g));
    setEdges(toFlowEdges(g));
  }, []);
  const history = useHistory(current, restore);
  const saving = useDraftSaving(draft.id, draft.revision, draft.canvas, graph);

  const { data: datasets } = useDatasets();
  const datasetKinds = useMemo(() => Object.fromEntries((datasets?.datasets ?? []).map((d) => [d.name, d.kind])), [datasets]);
  const problems = useMemo(
    () => designerProblems(graph, { name: draft.name, description: draft.description }, { datasetKinds }),
    [graph, draft.name, draft.description, datasetKinds],
  );
  const blocking = blockingProblems(problems);
  const problemsByNode = useMemo(() => {
    const map = new Map<string, DesignerProblem[]>();
    for (const p of problems) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p]);
    return map;
  }, [problems]);

  const updateNodeData = useCallback(
    (id: string, patch: Record<string, unknown>) => {
      history.checkpoint(`data:${id}:${Object.keys(patch).join(",")}`);
      setNodes((ns) => ns.map((n) => (n.id === id ? ({ ...n, data: { ...n.data, ...patch } } as FlowNode) : n)));
    },
    [history],
  );

  const context = useMemo<DesignerContextValue>(
    () => ({
      graph,
      problemsByNode,
      parameters: canvasParameters(graph)
        .filter((p) => p.name)
        .map((p) => ({ name: p.name, type: String(p.type) })),
      updateNodeData,
      pipelineId: draft.id,
    }),
    [graph, problemsByNode, updateNodeData, draft.id],
  );

  const addNode = useCallback(
    (type: CanvasNodeType, position: { x: number; y: number }) => {
      history.checkpoint();
      const node = { ...toFlowNode({ id: newNodeId(type), type, position, data: NODE_REGISTRY[type].defaults() } as CanvasNode), selected: true };
      setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
      setNotice({ kind: "info", text: `Added ${NODE_REGISTRY[type].label}` });
    },
    [history],
  );

  const addAtCentre = useCallback(
    (type: CanvasNodeType) => {
      const box = wrapper.current?.getBoundingClientRect();
      const centre = box ? rf.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
      const offset = (state.current.nodes.length % 5) * 24;
      addNode(type, { x: centre.x - 80 + offset, y: centre.y - 30 + offset });
    },
    [addNode, rf],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      e.preventDefault();
      const type = e.dataTransfer.getData(DND_MIME) as CanvasNodeType;
      if (!(type in NODE_REGISTRY)) return;
      addNode(type, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [addNode, rf],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      if (changes.some((c) => c.type === "remove")) history.checkpoint("remove");
      setNodes((ns) => applyNodeChanges(changes, ns));
    },
    [history],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      if (changes.some((c) => c.type === "remove")) history.checkpoint("remove");
      setEdges((es) => applyEdgeChanges(changes, es));
    },
    [history],
  );
  const onConnect = useCallback(
    (conn: Connection) => {
      const problem = connectionProblem(conn, current());
      if (problem) {
        setNotice({ kind: "error", text: `Connection refused: ${problem}` });
        return;
      }
      history.checkpoint();
      setEdges((es) => [
        ...es,
        {
          id: `e-${conn.source}-${conn.sourceHandle}-${conn.target}-${conn.targetHandle}`,
          source: conn.source,
          sourceHandle: conn.sourceHandle,
          target: conn.target,
          targetHandle: conn.targetHandle,
        },
      ]);
      setNotice(undefined);
    },
    [current, history],
  );

  const selectNode = useCallback(
    (id: string) => {
      setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === id })));
      const node = state.current.nodes.find((n) => n.id === id);
      if (node) void rf.setCenter(node.position.x + 80, node.position.y + 40, { duration: 200, zoom: rf.getZoom() });
    },
    [rf],
  );
  const deleteNode = useCallback(
    (id: string) => {
      history.checkpoint();
      setNodes((ns) => ns.filter((n) => n.id !== id));
      setEdges((es) => es.filter((e) => e.source !== id && e.target !== id));
    },
    [history],
  );
  const layout = useCallback(() => {
    history.checkpoint();
    const laid = autoLayout(current());
    const selected = new Set(state.current.nodes.filter((n) => n.selected).map((n) => n.id));
    setNodes(toFlowNodes(laid).map((n) => ({ ...n, selected: selected.has(n.id) })));
    setTimeout(() => void rf.fitView({ padding: 0.2 }), 50);
  }, [current, history, rf]);
  const replaceCanvas = useCallback(
    (g: CanvasGraph) => {
      history.checkpoint();
      restore(g);
      setTimeout(() => void rf.fitView({ padding: 0.2 }), 50);
    },
    [history, restore, rf],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) history.undo();
      else if ((key === "z" && e.shiftKey) || key === "y") history.redo();
      else if (key === "s") void saving.save();
      else if (key === "c") {
        const ids = new Set(state.current.nodes.filter((n) => n.selected).map((n) => n.id));
        if (ids.size === 0) return;
        clipboard.current = copySelection(current(), ids);
        setNotice({ kind: "info", text: `Copied ${ids.size} node${ids.size > 1 ? "s" : ""}` });
      } else if (key === "v") {
        if (!clipboard.current) return;
        history.checkpoint();
        const { graph: next, pastedIds } = pasteFragment(current(), clipboard.current, newNodeId);
        const pasted = new Set(pastedIds);
        setNodes(toFlowNodes(next).map((n) => ({ ...n, selected: pasted.has(n.id) })));
        setEdges(toFlowEdges(next));
      } else return;
      e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [current, history, saving]);

  const selected = nodes.filter((n) => n.selected);
  const selectedNode = selected.length === 1 ? graph.nodes.find((n) => n.id === selected[0]!.id) : undefined;

  return (
    <DesignerContext.Provider value={context}>
      <div className="space-y-3">
        <Toolbar
          draft={draft}
          graph={graph}
          saving={saving}
          history={history}
          blocking={blocking.length}
          setNotice={setNotice}
          onLayout={layout}
          onFit={() => void rf.fitView({ padding: 0.2 })}
          onImport={replaceCanvas}
        />
        <div className="grid grid-cols-[12rem_1fr_24rem] gap-3">
          <Palette onAdd={addAtCentre} />
          <div className="space-y-3">
            {/* biome-ignore lint/a11y/useSemanticElements: the canvas is a landmark region, not a document section */}
            <div ref={wrapper} className="relative h-[68vh] rounded border border-slate-300 bg-white" aria-label="Pipeline canvas" role="region">
              <DesignerNotices saving={saving} notice={notice} onDismiss={dismissNotice} onReload={onReload} />
              <ReactFlow<FlowNode, FlowEdge>
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onConnect={onConnect}
                onNodeDragStart={() => history.checkpoint()}
                onDrop={onDrop}
                onDragOver={(e) => {
                  e.preventDefault();
                  e.dataTransfer.dropEffect = "move";
                }}
                deleteKeyCode={["Delete", "Backspace"]}
                fitView={fitOnOpen}
                fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
                proOptions={{ hideAttribution: true }}
              >
                <Background />
                {/* Small, so the corner it covers (and the handles under it, which it would pan instead) stays small. */}
                <MiniMap pannable zoomable ariaLabel="Minimap of the pipeline" style={{ width: 120, height: 80 }} />
                <Controls showInteractive={false} />
              </ReactFlow>
            </div>
            <ProblemsPanel problems={problems} graph={graph} onSelect={selectNode} />
          </div>
          <div className="max-h-[80vh] overflow-auto rounded border border-slate-200 bg-white p-3">
            <SidePanel node={selectedNode} onDelete={deleteNode} />
          </div>
        </div>
      </div>
    </DesignerContext.Provider>
  );
}
