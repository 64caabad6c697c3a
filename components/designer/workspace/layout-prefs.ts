"use client";

import { useCallback, useEffect, useState } from "react";

/** How the designer's workspace is arranged; remembered per browser (localStorage). */
export interface LayoutPrefs {
  palette: { open: boolean; width: number };
  panel: { open: boolean; width: number };
  minimap: boolean;
  problems: boolean;
}

export const PALETTE_WIDTH = { min: 160, max: 360, initial: 200 } as const;
export const PANEL_WIDTH = { min: 280, max: 640, initial: 360 } as const;
const KEY = "prs.designer.layout.v1";

export const DEFAULT_LAYOUT: LayoutPrefs = {
  palette: { open: true, width: PALETTE_WIDTH.initial },
  panel: { open: true, width: PANEL_WIDTH.initial },
  minimap: true,
  problems: false,
};

const clamp = (n: unknown, { min, max, initial }: { min: number; max: number; initial: number }) =>
  typeof n === "number" && Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : initial;

/** Whatever was stored (an older shape, a hand-edited value) becomes a valid layout. */
export function readLayout(text: string | null): LayoutPrefs {
  let raw: Partial<Record<keyof LayoutPrefs, unknown>> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === "object") raw = parsed as typeof raw;
  } catch {
    // A broken value starts from the defaults.
  }
  const side = (v: unknown) => (v && typeof v === "object" ? (v as { open?: unknown; width?: unknown }) : {});
  const palette = side(raw.palette);
  const panel = side(raw.panel);
  return {
    palette: { open: palette.open !== false, width: clamp(palette.width, PALETTE_WIDTH) },
    panel: { open: panel.open !== false, width: clamp(panel.width, PANEL_WIDTH) },
    minimap: raw.minimap !== false,
    problems: raw.problems === true,
  };
}

export function useLayoutPrefs(): [LayoutPrefs, (patch: Partial<LayoutPrefs>) => void] {
  const [prefs, setPrefs] = useState<LayoutPrefs>(DEFAULT_LAYOUT);
  // Read after mounting: the server renders the defaults, the browser then applies what it kept.
  useEffect(() => {
    const stored = window.localStorage.getItem(KEY);
    // A narrow window starts with narrower side columns, so the canvas keeps most of it.
    setPrefs(stored || window.innerWidth >= 1280 ? readLayout(stored) : readLayout(JSON.stringify({ palette: { width: 172 }, panel: { width: 304 } })));
  }, []);
  const update = useCallback((patch: Partial<LayoutPrefs>) => {
    setPrefs((p) => {
      const next = readLayout(JSON.stringify({ ...p, ...patch }));
      window.localStorage.setItem(KEY, JSON.stringify(next));
      return next;
    });
  }, []);
  return [prefs, update];
}
