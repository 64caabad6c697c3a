"use client";

import { useRef } from "react";

/**
 * A vertical splitter between two columns (WAI-ARIA window splitter): drag it, or focus it and
 * use the arrow keys (Shift for larger steps). `edge` says which side the resized column is on.
 */
export function Resizer({
  label,
  value,
  min,
  max,
  edge,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  edge: "left" | "right";
  onChange: (width: number) => void;
}) {
  const start = useRef<{ x: number; width: number } | undefined>(undefined);
  const sign = edge === "left" ? 1 : -1;
  const set = (w: number) => onChange(Math.min(max, Math.max(min, Math.round(w))));
  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable window splitter is role=separator with a value (<hr> cannot take focus or keys)
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      className="group relative z-10 w-1.5 shrink-0 cursor-col-resize bg-slate-200 hover:bg-blue-300 focus-visible:bg-blue-500 focus-visible:outline-none"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { x: e.clientX, width: value };
      }}
      onPointerMove={(e) => {
        if (start.current) set(start.current.width + sign * (e.clientX - start.current.x));
      }}
      onPointerUp={() => {
        start.current = undefined;
      }}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 64 : 16;
        if (e.key === "ArrowRight") set(value + sign * step);
        else if (e.key === "ArrowLeft") set(value - sign * step);
        else if (e.key === "Home") set(min);
        else if (e.key === "End") set(max);
        else return;
        e.preventDefault();
      }}
    />
  );
}
