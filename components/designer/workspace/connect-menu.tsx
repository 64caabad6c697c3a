"use client";

import { useEffect, useRef } from "react";
import type { ConnectionChoice } from "@/lib/pipeline/connections";
import { NodeIcon } from "../nodes/node-look";

/**
 * The choices for finishing a connection: existing ports that accept it (connecting by keyboard)
 * and node types to add already connected (a connection dropped on empty canvas). A menu at the
 * point where it was asked for; arrows move, Enter chooses, Escape closes.
 */
export function ConnectMenu({
  at,
  title,
  existing,
  create,
  onChoose,
  onClose,
}: {
  at: { x: number; y: number };
  title: string;
  existing: ConnectionChoice[];
  create: ConnectionChoice[];
  onChoose: (choice: ConnectionChoice) => void;
  onClose: () => void;
}) {
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const away = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", away);
    return () => document.removeEventListener("pointerdown", away);
  }, [onClose]);
  const move = (delta: number) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    items[(i + delta + items.length) % items.length]?.focus();
  };
  const item = (c: ConnectionChoice, i: number) => (
    <button
      key={`${c.nodeId ?? "new"}-${c.type}-${c.handleId}-${i}`}
      type="button"
      role="menuitem"
      tabIndex={-1}
      className="flex w-full items-center gap-2 rounded px-2 py-1 text-left text-sm hover:bg-blue-50 focus:bg-blue-100 focus:outline-none"
      onClick={() => onChoose(c)}
    >
      <NodeIcon type={c.type} />
      <span className="truncate">{c.label}</span>
    </button>
  );
  return (
    <div
      ref={menu}
      role="menu"
      aria-label={title}
      className="absolute z-40 w-72 rounded-md border border-slate-300 bg-white p-1 shadow-xl"
      style={{ left: at.x, top: at.y }}
      onKeyDown={(e) => {
        if (e.key === "ArrowDown") move(1);
        else if (e.key === "ArrowUp") move(-1);
        else if (e.key === "Escape") onClose();
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      <div className="px-2 py-1 text-xs font-semibold text-slate-500">{title}</div>
      {existing.length ? (
        <>
          <div className="px-2 pt-1 text-[11px] uppercase tracking-wide text-slate-500">Connect to</div>
          {existing.map(item)}
        </>
      ) : null}
      {create.length ? (
        <>
          <div className="px-2 pt-1 text-[11px] uppercase tracking-wide text-slate-500">Add a node, connected</div>
          {create.map(item)}
        </>
      ) : null}
      {existing.length + create.length === 0 ? <div className="px-2 py-1 text-sm text-slate-500">Nothing can connect here.</div> : null}
    </div>
  );
}
