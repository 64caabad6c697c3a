"use client";

import type { ReactNode } from "react";
import { Resizer } from "./resizer";

/**
 * A resizable column beside the canvas: the palette on the left, settings and runs on the right.
 * Its splitter sits on the edge that faces the canvas.
 */
export function SideColumn({
  side,
  label,
  width,
  limits,
  className,
  onResize,
  children,
}: {
  side: "left" | "right";
  /** The splitter's accessible name ("Resize the palette"). */
  label: string;
  width: number;
  limits: { min: number; max: number };
  className: string;
  onResize: (width: number) => void;
  children: ReactNode;
}) {
  const column = (
    <div className={`shrink-0 overflow-y-auto ${className}`} style={{ width }}>
      {children}
    </div>
  );
  const splitter = <Resizer label={label} value={width} min={limits.min} max={limits.max} edge={side} onChange={onResize} />;
  return side === "left" ? (
    <>
      {column}
      {splitter}
    </>
  ) : (
    <>
      {splitter}
      {column}
    </>
  );
}
