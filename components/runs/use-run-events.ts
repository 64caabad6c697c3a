"use client";

import { useCallback, useEffect, useReducer, useState } from "react";
import { api } from "@/lib/contracts/api/client";
import { RunStreamEvent } from "@/lib/contracts/run-events";
import { applyRunEvent, emptyRunState } from "./run-state";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "closed";

/**
 * The live state of a run from its SSE stream. The browser's EventSource reconnects by itself
 * with Last-Event-ID, and the server continues after it; `reload` starts over from a fresh
 * snapshot (after resume or retry, which reset the run's rows).
 */
export function useRunEvents(runId: string) {
  const [state, dispatch] = useReducer(applyRunEvent, emptyRunState);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [generation, setGeneration] = useState(0);
  const [error, setError] = useState<string>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation (reload) opens a new stream
  useEffect(() => {
    const source = new EventSource(api.url("runEvents", { params: { runId } }));
    setConnection("connecting");
    source.onopen = () => setConnection("live");
    source.onmessage = (message: MessageEvent<string>) => {
      const parsed = RunStreamEvent.safeParse(JSON.parse(message.data));
      if (parsed.success) dispatch(parsed.data);
      else console.warn("run event not understood", parsed.error.issues);
    };
    source.addEventListener("stream_error", (message) => setError(String(JSON.parse((message as MessageEvent<string>).data).message)));
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    return () => source.close();
  }, [runId, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { state, connection, error, reload };
}
