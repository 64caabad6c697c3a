import { type RunStreamEvent, RunStreamEvent as RunStreamEventSchema, type StepView } from "../../lib/contracts/run-events";
import { isTerminalRunStatus, type RunStatus } from "../../lib/contracts/statuses";
import { CliFailure, EXIT } from "../exit-codes";
import { currentStep, ProgressPrinter, progressLine } from "../progress";
import type { Remote } from "./connection";

/** One `data:` message of an SSE stream with its `id:`. */
export interface SseMessage {
  id?: string;
  data: string;
}

/** Splits an SSE byte stream into messages (comments and heartbeats skipped). */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = body.getReader();
  for (;;) {
    const { value: chunk, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("id:")) id = line.slice(3).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) yield { id, data: data.join("\n") };
    }
  }
}

/** What the CLI keeps of a run while following its stream. */
interface Followed {
  status?: RunStatus;
  reason?: string;
  steps: StepView[];
}

/** Folds one event into the followed state (events carry absolute counters: replays do no harm). */
function fold(state: Followed, event: RunStreamEvent): void {
  switch (event.type) {
    case "snapshot":
      state.status = event.run.status;
      state.reason = event.run.statusReason ?? undefined;
      state.steps = event.steps;
      return;
    case "run_status":
      state.status = event.status;
      state.reason = event.reason;
      return;
    case "step_status": {
      const step = state.steps.find((s) => s.name === event.step);
      if (step) step.status = event.status;
      return;
    }
    case "progress": {
      const step = state.steps.find((s) => s.name === event.step);
      if (step) Object.assign(step, { counters: event.counters, itemsPerSecond: event.itemsPerSecond, etaSeconds: event.etaSeconds });
      return;
    }
    default:
      return;
  }
}

const MAX_RECONNECTS = 20;

/**
 * Follows a run on the server through its SSE stream (GET /api/runs/{id}/events) and draws the
 * same progress line as local mode, until the run ends. A dropped stream is resumed after the
 * last event seen (Last-Event-ID).
 */
export async function watchRemoteRun(remote: Remote, runId: string, out: NodeJS.WriteStream = process.stderr): Promise<{ status: RunStatus; reason?: string }> {
  const printer = new ProgressPrinter(out);
  const state: Followed = { steps: [] };
  let lastEventId: string | undefined;
  let drops = 0;
  for (;;) {
    const abort = new AbortController();
    const headers = { ...remote.headers, accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) };
    try {
      const res = await remote.fetch(remote.api.url("runEvents", { params: { runId } }), { headers, signal: abort.signal });
      if (res.status === 404) throw new CliFailure(`Run ${runId} not found on ${remote.target.server}`, EXIT.not_found);
      if (!res.ok || !res.body) throw new Error(`the event stream answered ${res.status} ${res.statusText}`);
      for await (const message of sseMessages(res.body)) {
        if (message.id) lastEventId = message.id;
        let json: unknown;
        try {
          json = JSON.parse(message.data);
        } catch {
          continue;
        }
        const event = RunStreamEventSchema.safeParse(json);
        if (!event.success) continue;
        drops = 0;
        fold(state, event.data);
        const step = currentStep(state.steps);
        const ended = state.status !== undefined && isTerminalRunStatus(state.status);
        if (step) {
          const c = step.counters;
          const line = progressLine({ stepName: step.name, status: step.status, ...c }, step.itemsPerSecond, step.etaSeconds ?? Infinity);
          printer.draw(line, ended);
        }
        if (ended) {
          abort.abort();
          printer.end();
          return { status: state.status as RunStatus, reason: state.reason };
        }
      }
      throw new Error("the server closed the event stream");
    } catch (error) {
      if (error instanceof CliFailure) throw error;
      if (++drops > MAX_RECONNECTS) throw new CliFailure(`lost the event stream of run ${runId}: ${(error as Error).message}`, EXIT.unavailable);
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** drops)));
  }
}
