"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { CanvasGraph } from "@/lib/contracts/canvas";
import { ApiError, api, errorText } from "@/lib/contracts/api/client";

export type SaveStatus = "saved" | "dirty" | "saving" | "conflict" | "error";
const AUTOSAVE_MS = 1500;

/**
 * Explicit and debounced saving of the draft with the revision it was loaded at. Saves run one at
 * a time; a 409 (another tab saved first) stops autosave and is shown, never overwritten silently.
 */
export function useDraftSaving(
  pipelineId: string,
  initialRevision: number,
  initial: { canvas: CanvasGraph; description: string },
  graph: CanvasGraph,
  description: string,
) {
  const revision = useRef(initialRevision);
  const savedJson = useRef(JSON.stringify(initial));
  // The canvas and the pipeline's description are saved together, with one revision.
  const latest = useRef({ canvas: graph, description });
  latest.current = { canvas: graph, description };
  const chain = useRef<Promise<boolean>>(Promise.resolve(true));
  const [status, setStatus] = useState<SaveStatus>("saved");
  const [conflict, setConflict] = useState<{ message: string; revision?: number }>();
  const [error, setError] = useState<string>();
  const conflicted = useRef(false);

  const saveOnce = useCallback(async (): Promise<boolean> => {
    if (conflicted.current) return false;
    const { canvas, description } = latest.current;
    const json = JSON.stringify(latest.current);
    if (json === savedJson.current) {
      setStatus("saved");
      return true;
    }
    setStatus("saving");
    try {
      const r = await api.saveDraft({ params: { id: pipelineId }, body: { canvas, description, expectedRevision: revision.current } });
      revision.current = r.revision;
      savedJson.current = json;
      setError(undefined);
      setStatus(JSON.stringify(latest.current) === json ? "saved" : "dirty");
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        conflicted.current = true;
        const details = e.details as { revision?: number } | undefined;
        setConflict({ message: e.message, revision: details?.revision });
        setStatus("conflict");
      } else {
        setError(errorText(e));
        setStatus("error");
      }
      return false;
    }
  }, [pipelineId]);

  const save = useCallback(() => (chain.current = chain.current.then(saveOnce, saveOnce)), [saveOnce]);

  /** The user chose to keep this tab's version over the other save. */
  const overwrite = useCallback(() => {
    if (conflict?.revision !== undefined) revision.current = conflict.revision;
    conflicted.current = false;
    setConflict(undefined);
    return save();
  }, [conflict, save]);

  const json = JSON.stringify({ canvas: graph, description });
  useEffect(() => {
    if (json === savedJson.current || conflicted.current) return;
    setStatus((s) => (s === "saving" ? s : "dirty"));
    const timer = setTimeout(() => void save(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [json, save]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (JSON.stringify(latest.current) !== savedJson.current) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);

  return { status, conflict, error, save, overwrite, revision };
}
