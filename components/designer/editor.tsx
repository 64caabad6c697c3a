"use client";

import "@xyflow/react/dist/style.css";
import {
  Background,
  Controls,
  type FinalConnectionState,
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
import type { CanvasGraph, CanvasNode, CanvasNodeType, HandleId } from "@/lib/contracts/canvas";
import type { PipelineDraftJson } from "@/lib/contracts/designer-api";
import { copySelection, pasteFragment } from "@/lib/pipeline/clipboard";
import { canvasParameters } from "@/lib/pipeline/canvas";
import { type ConnectionChoice, type ConnectionEnd, connectionChoices, connectionProblem, withNewNode } from "@/lib/pipeline/connections";
import { autoLayout } from "@/lib/pipeline/layout";
import { renameParameter as renameInGraph } from "@/lib/pipeline/parameters";
import { entryScriptProblems, type PlacementContext, placementProblems } from "@/lib/pipeline/placement";
import { blockingProblems, designerProblems, type DesignerProblem } from "@/lib/pipeline/validate";
import { useDatasets, useDatastores, useModels } from "@/components/pipelines/queries";
import { useCan } from "@/components/auth/current-user";
import { Button } from "@/components/ui/button";
import { DesignerContext, type DesignerContextValue } from "./context";
import { newNodeId, toCanvas, toFlowEdges, toFlowNode, toFlowNodes, type FlowEdge, type FlowNode } from "./flow";
import { NODE_REGISTRY, nodeTypes } from "./nodes/registry";
import { DND_MIME, Palette } from "./palette";
import { PipelinePanel } from "./pipeline-panel";
import { ProblemsPanel } from "./problems-panel";
import { useAgents, useScriptFolders } from "./queries";
import { RunsTab } from "./runs-tab";
import { SidePanel } from "./side-panel";
import { DesignerNotices, type Notice } from "./notices";
import { Toolbar } from "./toolbar";
import { useDraftSaving } from "./use-draft-saving";
import { useHistory } from "./use-history";
import { ConnectMenu } from "./workspace/connect-menu";
import { PALETTE_WIDTH, PANEL_WIDTH, useLayoutPrefs } from "./workspace/layout-prefs";
import { PanelTabs, type PanelTab } from "./workspace/panel-tabs";
import { SideColumn } from "./workspace/side-column";

/** The canvas accepts a node dragged from the palette. */
const allowDrop = (e: DragEvent) => {
  e.preventDefault();
  e.dataTransfer.dropEffect = "move";
};

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

/** A connection menu open at a point of the canvas: from a port, for a drop or a key press. */
interface PendingConnect {
  end: ConnectionEnd;
  /** Where the menu is, relative to the canvas. */
  at: { x: number; y: number };
  /** Where a node added from the menu goes, in flow coordinates. */
  place: { x: number; y: number };
  existing: ConnectionChoice[];
  create: ConnectionChoice[];
  title: string;
}

export function Editor({ draft, onReload }: { draft: PipelineDraftJson; onReload: () => void }) {
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const [nodes, setNodes] = useState<FlowNode[]>(() => toFlowNodes(draft.canvas));
  const [edges, setEdges] = useState<FlowEdge[]>(() => toFlowEdges(draft.canvas));
  const [description, setDescription] = useState(draft.description ?? "");
  const [notice, setNotice] = useState<Notice>();
  const [pending, setPending] = useState<PendingConnect>();
  const [prefs, setPrefs] = useLayoutPrefs();
  const [tab, setTab] = useState<PanelTab>("settings");
  // Viewers see the pipeline and its runs; the server refuses their writes, the canvas does not offer them.
  const canEdit = useCan("editor");
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
  const saving = useDraftSaving(draft.id, draft.revision, { canvas: draft.canvas, description: draft.description ?? "" }, graph, description);

  const { data: datasets } = useDatasets();
  const { data: models } = useModels();
  const { data: datastores } = useDatastores();
  const { data: agents } = useAgents();
  const { data: scripts } = useScriptFolders(draft.id);
  const validation = useMemo(
    () => ({
      datasetKinds: Object.fromEntries((datasets?.datasets ?? []).map((d) => [d.name, d.kind])),
      registered: {
        datasets: datasets ? Object.fromEntries(datasets.datasets.map((d) => [d.name, d.version])) : undefined,
        models: models ? Object.fromEntries(models.models.map((m) => [m.name, m.version])) : undefined,
        datastores: datastores?.datastores.map((d) => d.name),
      },
    }),
    [datasets, models, datastores],
  );
  const placement = useMemo<PlacementContext>(
    () => ({
      pools: agents ? agents.agents.map((a) => a.pool) : undefined,
      datastoreKinds: datastores ? Object.fromEntries(datastores.datastores.map((d) => [d.name, d.kind])) : undefined,
      datasetDatastores: datasets ? Object.fromEntries(datasets.datasets.map((d) => [d.name, d.datastore])) : undefined,
      scriptFolders: scripts?.folders,
    }),
    [agents, datastores, datasets, scripts],
  );
  const problems = useMemo(
    () => [
      ...designerProblems(graph, { name: draft.name, description: description || undefined }, validation),
      ...entryScriptProblems(graph, placement),
      ...placementProblems(graph, placement),
    ],
    [graph, draft.name, description, validation, placement],
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
  const renameParameter = useCallback(
    (id: string, name: string) => {
      history.checkpoint(`rename:${id}`);
      const renamed = renameInGraph(current(), id, name);
      const byId = new Map(renamed.nodes.map((n) => [n.id, n]));
      setNodes((ns) => ns.map((n) => ({ ...n, data: byId.get(n.id)?.data ?? n.data }) as FlowNode));
    },
    [current, history],
  );

  const openConnectMenu = useCallback((end: ConnectionEnd, client: { x: number; y: number }, place: { x: number; y: number }, newOnly: boolean) => {
    const box = wrapper.current?.getBoundingClientRect();
    const g = toCanvas(state.current.nodes, state.current.edges);
    setPending({
      end,
      at: {
        x: Math.max(8, Math.min(client.x - (box?.left ?? 0), (box?.width ?? 600) - 300)),
        y: Math.max(8, Math.min(client.y - (box?.top ?? 0), (box?.height ?? 400) - 260)),
      },
      place,
      existing: newOnly ? [] : connectionChoices(g, end, { newNodes: false }),
      create: connectionChoices(g, end, { newNodes: true }),
      title: newOnly ? "Add a node connected here" : "Connect this port",
    });
  }, []);

  const startConnect = useCallback(
    (end: ConnectionEnd, anchor: DOMRect) => {
      const node = state.current.nodes.find((n) => n.id === end.nodeId);
      const place = node ? { x: node.position.x + (end.handleType === "source" ? 300 : -300), y: node.position.y } : { x: 0, y: 0 };
      openConnectMenu(end, { x: anchor.right + 8, y: anchor.top }, place, false);
    },
    [openConnectMenu],
  );

  const context = useMemo<DesignerContextValue>(
    () => ({
      graph,
      problemsByNode,
      parameters: canvasParameters(graph)
        .filter((p) => p.name)
        .map((p) => ({ name: p.name, type: String(p.type) })),
      updateNodeData,
      renameParameter,
      startConnect,
      datasets: datasets?.datasets ?? [],
      models: models?.models ?? [],
      pipelineId: draft.id,
      readOnly: !canEdit,
    }),
    [graph, problemsByNode, updateNodeData, renameParameter, startConnect, datasets, models, draft.id, canEdit],
  );

  const addNode = useCallback(
    (type: CanvasNodeType, position: { x: number; y: number }, connectWith?: ConnectionChoice) => {
      history.checkpoint();
      const id = newNodeId(type);
      const node = { ...toFlowNode({ id, type, position, data: NODE_REGISTRY[type].defaults() } as CanvasNode), selected: true };
      setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
      if (connectWith) {
        const c = withNewNode(connectWith, id);
        setEdges((es) => [...es, { id: `e-${c.source}-${c.sourceHandle}-${c.target}-${c.targetHandle}`, ...c } as FlowEdge]);
      }
      setNotice({ kind: "info", text: `Added ${NODE_REGISTRY[type].label}${connectWith ? ", connected" : ""}` });
    },
    [history],
  );

  const addAtCentre = useCallback(
    (type: CanvasNodeType) => {
      const box = wrapper.current?.getBoundingClientRect();
      const centre = box ? rf.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
      const offset = (state.current.nodes.filter((n) => !n.hidden).length % 5) * 24;
      addNode(type, { x: centre.x - 110 + offset, y: centre.y - 40 + offset });
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
  // A viewer may select a node to read its settings; nothing else changes.
  const onSelectionOnly = useCallback((changes: NodeChange<FlowNode>[]) => {
    setNodes((ns) =>
      applyNodeChanges(
        changes.filter((c) => c.type === "select" || c.type === "dimensions"),
        ns,
      ),
    );
  }, []);
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
  // A connection let go over empty canvas: offer the nodes that fit, added where it was dropped.
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, conn: FinalConnectionState) => {
      if (conn.isValid || conn.toNode || !conn.fromHandle?.id || !conn.fromNode) return;
      const point = "changedTouches" in event ? event.changedTouches[0] : event;
      if (!point) return;
      const client = { x: point.clientX, y: point.clientY };
      const flow = rf.screenToFlowPosition(client);
      const end: ConnectionEnd = { nodeId: conn.fromNode.id, handleId: conn.fromHandle.id as HandleId, handleType: conn.fromHandle.type };
      openConnectMenu(end, client, { x: flow.x - (end.handleType === "target" ? 220 : 0), y: flow.y - 20 }, true);
    },
    [openConnectMenu, rf],
  );
  const chooseConnection = useCallback(
    (choice: ConnectionChoice) => {
      if (!pending) return;
      setPending(undefined);
      const c = choice.connection;
      if (choice.nodeId) onConnect({ source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? null, targetHandle: c.targetHandle ?? null });
      else addNode(choice.type, pending.place, choice);
    },
    [addNode, onConnect, pending],
  );

  const selectNode = useCallback(
    (id: string) => {
      setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === id })));
      const node = state.current.nodes.find((n) => n.id === id);
      if (node && !node.hidden) void rf.setCenter(node.position.x + 110, node.position.y + 60, { duration: 200, zoom: rf.getZoom() });
      if (!prefs.panel.open) setPrefs({ panel: { ...prefs.panel, open: true } });
      setTab("settings");
    },
    [rf, prefs.panel, setPrefs],
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
    (g: CanvasGraph, importedDescription: string | undefined) => {
      history.checkpoint();
      restore(g);
      if (importedDescription !== undefined) setDescription(importedDescription);
      setTimeout(() => void rf.fitView({ padding: 0.2 }), 50);
    },
    [history, restore, rf],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || !canEdit) return;
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
  }, [current, history, saving, canEdit]);

  const selected = nodes.filter((n) => n.selected);
  const selectedNode = selected.length === 1 ? graph.nodes.find((n) => n.id === selected[0]!.id) : undefined;
  const toggle = (label: string, pressed: boolean, onClick: () => void) => (
    <Button size="sm" aria-pressed={pressed} className={pressed ? "bg-slate-100" : ""} onClick={onClick}>
      {label}
    </Button>
  );

  return (
    <DesignerContext.Provider value={context}>
      <div className="flex h-full min-h-0 flex-col">
        <Toolbar
          draft={draft}
          graph={graph}
          description={description}
          saving={saving}
          history={history}
          blocking={blocking.length}
          setNotice={setNotice}
          onLayout={layout}
          onImport={replaceCanvas}
          toggles={
            <>
              {canEdit ? toggle("Palette", prefs.palette.open, () => setPrefs({ palette: { ...prefs.palette, open: !prefs.palette.open } })) : null}
              {toggle("Minimap", prefs.minimap, () => setPrefs({ minimap: !prefs.minimap }))}
              {toggle("Settings", prefs.panel.open, () => setPrefs({ panel: { ...prefs.panel, open: !prefs.panel.open } }))}
            </>
          }
        />
        <div className="flex min-h-0 flex-1">
          {prefs.palette.open && canEdit ? (
            <SideColumn
              side="left"
              label="Resize the palette"
              width={prefs.palette.width}
              limits={PALETTE_WIDTH}
              className="bg-slate-50 p-2"
              onResize={(width) => setPrefs({ palette: { open: true, width } })}
            >
              <Palette onAdd={addAtCentre} />
            </SideColumn>
          ) : null}
          <div className="flex min-w-0 flex-1 flex-col">
            {/* biome-ignore lint/a11y/useSemanticElements: the canvas is a landmark region, not a document section */}
            <div ref={wrapper} className="relative min-h-0 flex-1 bg-white" aria-label="Pipeline canvas" role="region">
              <DesignerNotices saving={saving} notice={notice} onDismiss={dismissNotice} onReload={onReload} />
              <ReactFlow<FlowNode, FlowEdge>
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                onNodesChange={canEdit ? onNodesChange : onSelectionOnly}
                onEdgesChange={canEdit ? onEdgesChange : undefined}
                onConnect={canEdit ? onConnect : undefined}
                onConnectEnd={canEdit ? onConnectEnd : undefined}
                onNodeDragStart={() => history.checkpoint()}
                onDrop={canEdit ? onDrop : undefined}
                onDragOver={canEdit ? allowDrop : undefined}
                nodesDraggable={canEdit}
                nodesConnectable={canEdit}
                edgesReconnectable={canEdit}
                deleteKeyCode={canEdit ? ["Delete", "Backspace"] : null}
                fitView={fitOnOpen}
                fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
                proOptions={{ hideAttribution: true }}
              >
                <Background gap={20} />
                {/* Small and optional, so the corner it covers (and the handles under it, which it would pan instead) stays small. */}
                {prefs.minimap ? <MiniMap pannable zoomable ariaLabel="Minimap of the pipeline" style={{ width: 120, height: 80 }} /> : null}
                <Controls showInteractive={false} />
              </ReactFlow>
              {pending ? (
                <ConnectMenu
                  at={pending.at}
                  title={pending.title}
                  existing={pending.existing}
                  create={pending.create}
                  onChoose={chooseConnection}
                  onClose={() => setPending(undefined)}
                />
              ) : null}
            </div>
            <ProblemsPanel
              problems={problems}
              graph={graph}
              open={prefs.problems}
              onToggle={() => setPrefs({ problems: !prefs.problems })}
              onSelect={selectNode}
            />
          </div>
          {prefs.panel.open ? (
            <SideColumn
              side="right"
              label="Resize the settings panel"
              width={prefs.panel.width}
              limits={PANEL_WIDTH}
              className="bg-white p-3"
              onResize={(width) => setPrefs({ panel: { open: true, width } })}
            >
              <PanelTabs tab={tab} onTab={setTab} />
              <div role="tabpanel" aria-labelledby={`designer-tab-${tab}`} className="pt-3">
                {tab === "runs" ? (
                  <RunsTab pipelineId={draft.id} />
                ) : (
                  // A viewer reads every setting; the disabled fieldset keeps all of them from changing.
                  <fieldset disabled={!canEdit} className="min-w-0">
                    {selectedNode ? (
                      <SidePanel node={selectedNode} onDelete={deleteNode} />
                    ) : (
                      <PipelinePanel
                        graph={graph}
                        description={description}
                        onDescription={setDescription}
                        onAddParameter={() => addAtCentre("parameter")}
                        onSelect={selectNode}
                      />
                    )}
                  </fieldset>
                )}
              </div>
            </SideColumn>
          ) : null}
        </div>
      </div>
    </DesignerContext.Provider>
  );
}
