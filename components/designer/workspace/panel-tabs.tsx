"use client";

import { useRef } from "react";

export type PanelTab = "settings" | "runs";

const TABS: { id: PanelTab; label: string }[] = [
  { id: "settings", label: "Settings" },
  { id: "runs", label: "Runs" },
];

/**
 * The right column's tabs (WAI-ARIA tabs, automatic activation): the selected node's or the
 * pipeline's settings, and the pipeline's runs. Arrow keys move between them.
 */
export function PanelTabs({ tab, onTab }: { tab: PanelTab; onTab: (tab: PanelTab) => void }) {
  const list = useRef<HTMLDivElement>(null);
  return (
    <div ref={list} role="tablist" aria-label="Side panel" className="flex gap-1 border-b border-slate-200">
      {TABS.map((t, i) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`designer-tab-${t.id}`}
          aria-selected={tab === t.id}
          tabIndex={tab === t.id ? 0 : -1}
          className={`-mb-px border-b-2 px-3 py-1 text-sm ${tab === t.id ? "border-blue-600 font-semibold text-blue-800" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          onClick={() => onTab(t.id)}
          onKeyDown={(e) => {
            if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
            e.preventDefault();
            const next = TABS[(i + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length]!;
            onTab(next.id);
            list.current?.querySelector<HTMLButtonElement>(`#designer-tab-${next.id}`)?.focus();
          }}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
