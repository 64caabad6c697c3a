"use client";

import { Handle, Position } from "@xyflow/react";
import type { ReactNode } from "react";
import type { CanvasNodeType, HandleId } from "@/lib/contracts/canvas";
import { problemsFor, useDesigner } from "../context";
import { KIND_LOOK, NodeIcon, PORT_TYPES } from "./node-look";

export interface HandleSpec {
  id: HandleId;
  type: "source" | "target";
  label: string;
}

/** One "key: value" line of a node's settings; `bound` shows a parameter binding as a badge. */
export function Setting({ label, value, bound }: { label: string; value?: ReactNode; bound?: string }) {
  return (
    <div className="flex min-w-0 items-baseline justify-between gap-2">
      <span className="shrink-0 text-slate-500">{label}</span>
      {bound ? (
        <span className="truncate rounded-full bg-slate-700 px-1.5 text-[10px] font-medium text-white" title={`bound to pipeline parameter ${bound}`}>
          {`{${bound}}`}
        </span>
      ) : (
        <span className="truncate font-medium text-slate-800">{value ?? <em className="font-normal text-slate-500">unset</em>}</span>
      )}
    </div>
  );
}

/** The common canvas body: icon and kind in a coloured header, title, key settings, typed ports. */
export function NodeShell({
  id,
  type,
  kind,
  title,
  selected,
  handles,
  children,
}: {
  id: string;
  type: CanvasNodeType;
  kind: string;
  title: string;
  selected?: boolean;
  handles: HandleSpec[];
  children?: ReactNode;
}) {
  const ctx = useDesigner();
  const problems = problemsFor(ctx, id);
  const errors = problems.filter((p) => p.severity === "error").length;
  const look = KIND_LOOK[type];
  const targets = handles.filter((h) => h.type === "target");
  const sources = handles.filter((h) => h.type === "source");
  return (
    <div
      className={`w-56 rounded-lg border-2 bg-white text-xs shadow-sm ${look.frame} ${selected ? "shadow-md ring-2 ring-blue-400 ring-offset-1" : ""}`}
      data-kind={kind}
    >
      <div className={`flex items-center gap-1.5 rounded-t-md px-2 py-1 ${look.header}`}>
        <NodeIcon type={type} />
        <span className="truncate font-semibold uppercase tracking-wide text-[10px]">{kind}</span>
        {errors ? (
          <span className="ml-auto shrink-0 rounded bg-red-600 px-1 text-[10px] text-white" title={problems.map((p) => p.message).join("\n")}>
            {errors} problem{errors > 1 ? "s" : ""}
          </span>
        ) : null}
      </div>
      <div className="px-2 pt-1 pb-1.5">
        <div className="truncate text-sm font-semibold text-slate-900" title={title}>
          {title || <em className="font-normal text-slate-500">unnamed</em>}
        </div>
        {children ? <div className="mt-0.5 space-y-0.5 text-[11px]">{children}</div> : null}
      </div>
      <Ports id={id} targets={targets} sources={sources} nodeTitle={title || kind} />
    </div>
  );
}

/**
 * One row per port below the text, inputs on the left edge and outputs on the right, each handle
 * centred on its own label's row, so a label never sits on the title or the settings.
 */
function Ports({ id, targets, sources, nodeTitle }: { id: string; targets: HandleSpec[]; sources: HandleSpec[]; nodeTitle: string }) {
  const rows = Math.max(targets.length, sources.length);
  if (rows === 0) return null;
  return (
    <div className="border-t border-slate-200 py-0.5">
      {Array.from({ length: rows }, (_, i) => (
        <div key={targets[i]?.id ?? sources[i]?.id} className="relative flex h-[18px] items-center justify-between gap-3 px-2.5 text-[10px] text-slate-600">
          {targets[i] ? <PortHandle nodeId={id} spec={targets[i]} position={Position.Left} nodeTitle={nodeTitle} /> : <span />}
          {sources[i] ? <PortHandle nodeId={id} spec={sources[i]} position={Position.Right} nodeTitle={nodeTitle} /> : <span />}
        </div>
      ))}
    </div>
  );
}

/**
 * A typed, coloured port. It is a button for assistive technology and the keyboard: focus it
 * and press Enter to choose what to connect it to.
 */
function PortHandle({ nodeId, spec, position, nodeTitle }: { nodeId: string; spec: HandleSpec; position: Position; nodeTitle: string }) {
  const ctx = useDesigner();
  const port = PORT_TYPES[spec.id];
  return (
    <>
      <Handle
        type={spec.type}
        position={position}
        id={spec.id}
        isConnectable={!ctx.readOnly}
        // Read-only (a viewer), a port is only a coloured dot: its label beside it says what it is.
        {...(ctx.readOnly ? { "aria-hidden": true } : { role: "button", tabIndex: 0, "aria-label": `${spec.label} of ${nodeTitle}: press Enter to connect` })}
        title={`${port.tip} (${port.kind})`}
        className="focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
        style={{ width: 12, height: 12, background: port.color, border: "2px solid white", boxShadow: `0 0 0 1px ${port.color}` }}
        onKeyDown={(e) => {
          if (ctx.readOnly || (e.key !== "Enter" && e.key !== " ")) return;
          e.preventDefault();
          e.stopPropagation();
          ctx.startConnect({ nodeId, handleId: spec.id, handleType: spec.type }, e.currentTarget.getBoundingClientRect());
        }}
      />
      <span className="pointer-events-none flex items-center gap-1">
        {position === Position.Right ? <span className="text-slate-500">{port.kind}</span> : null}
        <span className="font-medium">{spec.label}</span>
        {position === Position.Left ? <span className="text-slate-500">{port.kind}</span> : null}
      </span>
    </>
  );
}
