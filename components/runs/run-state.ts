import type { AttemptEvent, ProcessEvent, RunStreamEvent, RunView, StepView, ThroughputPoint, WorkerProcess } from "@/lib/contracts/run-events";
import { emptyCounters } from "@/lib/contracts/run-events";
import { isTerminalRunStatus } from "@/lib/contracts/statuses";

/** What the run page shows, built from the snapshot and the events that follow it. */
export interface RunState {
  run?: RunView;
  steps: StepView[];
  workers: Record<string, WorkerProcess[]>;
  throughput: Record<string, ThroughputPoint[]>;
  failures: AttemptEvent[];
  processEvents: ProcessEvent[];
}

export const emptyRunState: RunState = { steps: [], workers: {}, throughput: {}, failures: [], processEvents: [] };

const MAX_POINTS = 600;
const MAX_FAILURES = 300;

function emptyStep(name: string): StepView {
  return {
    name,
    dependsOn: [],
    status: "pending",
    statusReason: null,
    counters: emptyCounters(),
    itemsPerSecond: 0,
    startedAt: null,
    endedAt: null,
  };
}

function updateStep(state: RunState, name: string, change: (step: StepView) => StepView): StepView[] {
  const found = state.steps.some((s) => s.name === name);
  const steps = found ? state.steps : [...state.steps, emptyStep(name)];
  return steps.map((s) => (s.name === name ? change(s) : s));
}

function thin<T>(points: T[]): T[] {
  // Keep the chart bounded on long runs: drop every other old point, keep the recent half whole.
  if (points.length <= MAX_POINTS) return points;
  const half = Math.floor(points.length / 2);
  return [...points.slice(0, half).filter((_, i) => i % 2 === 0), ...points.slice(half)];
}

/** Applies one stream event. Every event carries absolute values, so a replay changes nothing. */
export function applyRunEvent(state: RunState, event: RunStreamEvent): RunState {
  switch (event.type) {
    case "snapshot":
      return { run: event.run, steps: event.steps, workers: event.workers, throughput: event.throughput, failures: event.failures, processEvents: [] };
    case "run_status": {
      if (!state.run) return state;
      const terminal = isTerminalRunStatus(event.status);
      const at = new Date(event.at).toISOString();
      return {
        ...state,
        run: {
          ...state.run,
          status: event.status,
          statusReason: event.reason ?? (terminal ? state.run.statusReason : null),
          startedAt: state.run.startedAt ?? (event.status === "running" ? at : null),
          endedAt: terminal ? at : null,
        },
        steps: terminal
          ? state.steps.map((s) => ({ ...s, itemsPerSecond: 0, etaSeconds: undefined, counters: { ...s.counters, runningMiniBatches: 0 } }))
          : state.steps,
      };
    }
    case "step_status":
      return {
        ...state,
        steps: updateStep(state, event.step, (s) => ({
          ...s,
          status: event.status,
          statusReason: event.reason ?? null,
          startedAt: s.startedAt ?? new Date(event.at).toISOString(),
        })),
      };
    case "progress": {
      const points = state.throughput[event.step] ?? [];
      const point = { at: event.at, items: event.counters.succeededItems + event.counters.failedItems, itemsPerSecond: event.itemsPerSecond };
      return {
        ...state,
        steps: updateStep(state, event.step, (s) => ({ ...s, counters: event.counters, itemsPerSecond: event.itemsPerSecond, etaSeconds: event.etaSeconds })),
        throughput: { ...state.throughput, [event.step]: thin([...points, point]) },
      };
    }
    case "attempt":
      return { ...state, failures: [...state.failures, event].slice(-MAX_FAILURES) };
    case "workers":
      return { ...state, workers: { ...state.workers, [event.step]: event.processes } };
    case "process":
      return { ...state, processEvents: [...state.processEvents, event].slice(-50) };
  }
}
