"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, Handle, type Node, type NodeProps, Position, ReactFlow, useReactFlow, useStore } from "@xyflow/react";
import { useEffect, useMemo } from "react";
import type { CanvasGraph } from "@/lib/contracts/canvas";
import type { StepView } from "@/lib/contracts/run-events";
import type { RunGraphJson } from "@/lib/contracts/run-insights";
import { type Outcome, outcomeOf, outcomeText, outcomeTone, toneClass } from "./outcome";

/**
 * The run's pipeline as the designer draws it (datasets, steps, outputs and their edges), read
 * only: each step node coloured by its state with its progress; clicking a step selects it.
 */

type StepData = { step?: StepView; name: string; selected: boolean; reusedFromRun?: string };
type SourceData = { kind: "dataset" | "model" | "output"; title: string; detail?: string };
type RunNode = Node<StepData, "run-step"> | Node<SourceData, "run-source">;

const KIND_ICON: Record<SourceData["kind"], string> = { dataset: "▤", model: "◆", output: "⇲" };

function StepNode({ data }: NodeProps<Node<StepData, "run-step">>) {
  const step = data.step;
  const c = step?.counters;
  const done = c ? c.succeededItems + c.failedItems : 0;
  const pct = c?.totalItems ? Math.round((100 * done) / c.totalItems) : 0;
  const outcome: Outcome = step ? outcomeOf(step.status, c) : "pending";
  const tone = outcomeTone[outcome];
  return (
    <div
      data-step={data.name}
      data-status={step?.status ?? "pending"}
      data-outcome={outcome}
      className={`w-60 rounded-lg border-2 bg-white px-3 py-2 text-left shadow-sm dark:bg-slate-900 ${toneClass[tone].border} ${data.selected ? "ring-2 ring-blue-500 ring-offset-2" : ""}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} className="!bg-slate-400" />
      <div className="flex items-center gap-2">
        <span
          aria-hidden
          className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${toneClass[tone].dot} ${step?.status === "running" ? "animate-pulse" : ""}`}
        />
        <span className="truncate font-medium">{data.name}</span>
      </div>
      <div className="mt-1 flex items-center justify-between text-xs text-slate-600 dark:text-slate-300">
        <span>{outcomeText[outcome]}</span>
        <span className="tabular-nums">{c?.totalItems ? `${done.toLocaleString()} / ${c.totalItems.toLocaleString()}` : ""}</span>
      </div>
      <div className="mt-1.5 h-1.5 overflow-hidden rounded bg-slate-200 dark:bg-slate-700" aria-hidden>
        <div className={`h-full ${toneClass[tone].bar}`} style={{ width: `${pct}%` }} />
      </div>
      {data.reusedFromRun && <div className="mt-1 truncate text-[11px] text-slate-500">output of {data.reusedFromRun}</div>}
      <Handle type="source" position={Position.Right} isConnectable={false} className="!bg-slate-400" />
    </div>
  );
}

function SourceNode({ data }: NodeProps<Node<SourceData, "run-source">>) {
  return (
    <div className="w-48 rounded-lg border border-slate-300 bg-slate-50 px-3 py-2 text-xs shadow-sm dark:border-slate-600 dark:bg-slate-800">
      {data.kind !== "dataset" && data.kind !== "model" && <Handle type="target" position={Position.Left} isConnectable={false} className="!bg-slate-400" />}
      <div className="flex items-center gap-1.5 font-medium text-slate-700 dark:text-slate-200">
        <span aria-hidden>{KIND_ICON[data.kind]}</span>
        <span className="truncate">{data.title}</span>
      </div>
      {data.detail && <div className="truncate text-slate-500 dark:text-slate-400">{data.detail}</div>}
      {data.kind !== "output" && <Handle type="source" position={Position.Right} isConnectable={false} className="!bg-slate-400" />}
    </div>
  );
}

const nodeTypes = { "run-step": StepNode, "run-source": SourceNode };

function sourceData(node: CanvasGraph["nodes"][number]): SourceData | undefined {
  switch (node.type) {
    case "dataset":
      return node.data.mode === "parameter"
        ? { kind: "dataset", title: node.data.parameterName || "dataset parameter", detail: `default ${node.data.dataset}` }
        : { kind: "dataset", title: node.data.dataset || "dataset" };
    case "model":
      return { kind: "model", title: node.data.model || "model" };
    case "output":
      return { kind: "output", title: `output → ${node.data.datastore}`, detail: node.data.path || undefined };
    default:
      return undefined;
  }
}

export function RunFlow({ graph, steps, selected, onSelect }: { graph: RunGraphJson; steps: StepView[]; selected?: string; onSelect: (step: string) => void }) {
  const nodes = useMemo<RunNode[]>(() => {
    const byName = new Map(steps.map((s) => [s.name, s]));
    const reused = new Map(graph.steps.map((s) => [s.name, s.reusedFromRun]));
    return graph.canvas.nodes.flatMap((n): RunNode[] => {
      const common = { id: n.id, position: n.position, draggable: false, connectable: false };
      if (n.type === "step") {
        const name = n.data.name;
        return [
          {
            ...common,
            type: "run-step",
            data: { name, step: byName.get(name), selected: selected === name, reusedFromRun: reused.get(name) },
            ariaLabel: `Step ${name}`,
          },
        ];
      }
      const data = sourceData(n);
      return data ? [{ ...common, type: "run-source", data, selectable: false }] : [];
    });
  }, [graph, steps, selected]);
  const edges = useMemo(() => {
    const ids = new Set(nodes.map((n) => n.id));
    return graph.canvas.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => {
        const target = steps.find((s) => graph.steps.find((g) => g.nodeId === e.target)?.name === s.name);
        return { id: e.id, source: e.source, target: e.target, animated: target?.status === "running" };
      });
  }, [graph, nodes, steps]);
  return (
    <section className="h-72 rounded border border-slate-200 dark:border-slate-700" aria-label="Pipeline graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={FIT}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_, node) => {
          if (node.type === "run-step") onSelect((node.data as StepData).name);
        }}
        minZoom={0.3}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        <FitOnResize />
      </ReactFlow>
    </section>
  );
}

const FIT = { padding: 0.15, maxZoom: 1 } as const;

/** The whole graph stays in view when the window (and so the pane) is resized, e.g. to 1024 px. */
function FitOnResize() {
  const width = useStore((s) => s.width);
  const { fitView } = useReactFlow();
  useEffect(() => {
    if (width > 0) void fitView(FIT);
  }, [width, fitView]);
  return null;
}
