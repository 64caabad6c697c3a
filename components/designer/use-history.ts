"use client";

import { useCallback, useReducer, useRef } from "react";
import type { CanvasGraph } from "@/lib/contracts/canvas";

const LIMIT = 100;
const COALESCE_MS = 1000;

/**
 * Undo/redo over canvas snapshots. `checkpoint(key)` records the state before a change; edits
 * with the same key in quick succession (typing in one field) make one undo step.
 */
export function useHistory(current: () => CanvasGraph, restore: (graph: CanvasGraph) => void) {
  const past = useRef<CanvasGraph[]>([]);
  const future = useRef<CanvasGraph[]>([]);
  const last = useRef<{ key?: string; at: number }>({ at: 0 });
  const [, rerender] = useReducer((x: number) => x + 1, 0);

  const checkpoint = useCallback(
    (key?: string) => {
      const now = Date.now();
      if (key && last.current.key === key && now - last.current.at < COALESCE_MS) {
        last.current.at = now;
        return;
      }
      past.current.push(current());
      if (past.current.length > LIMIT) past.current.shift();
      future.current = [];
      last.current = { key, at: now };
      rerender();
    },
    [current],
  );
  const move = useCallback(
    (from: React.RefObject<CanvasGraph[]>, to: React.RefObject<CanvasGraph[]>) => {
      const target = from.current.pop();
      if (!target) return;
      to.current.push(current());
      last.current = { at: 0 };
      restore(target);
      rerender();
    },
    [current, restore],
  );
  const undo = useCallback(() => move(past, future), [move]);
  const redo = useCallback(() => move(future, past), [move]);
  return { checkpoint, undo, redo, canUndo: past.current.length > 0, canRedo: future.current.length > 0 };
}
