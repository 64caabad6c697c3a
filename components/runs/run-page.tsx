"use client";

import { useEffect, useState } from "react";
import { hasStepOutput, isActiveRunStatus, isTerminalRunStatus } from "@/lib/contracts/statuses";
import { FailuresTable, type LogTarget } from "./failures-table";
import { durationBetween, formatDuration, formatTime } from "./format";
import { LogViewer } from "./log-viewer";
import { ResultsPanel } from "./results-panel";
import { RunControls } from "./run-controls";
import { RunGraph } from "./run-graph";
import { StatusBadge } from "./status-badge";
import { StepProgress } from "./step-progress";
import { useRunEvents } from "./use-run-events";
import { WorkersTable } from "./workers-table";

/** One run, live: graph, per-step progress, workers, failures, logs, results and controls. */
export function RunPage({ runId }: { runId: string }) {
  const { state, connection, error, reload } = useRunEvents(runId);
  const [logTarget, setLogTarget] = useState<LogTarget>();
  const now = useNow(state.run && !state.run.endedAt ? 1000 : 0);
  const run = state.run;
  if (!run) {
    return <p className="text-slate-600">{connection === "closed" ? `Run ${runId} was not found.` : "Loading run…"}</p>;
  }
  const ended = isTerminalRunStatus(run.status);
  const active = isActiveRunStatus(run.status);
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-xl font-semibold">{run.id}</h1>
          <StatusBadge status={run.status} label="Run status" />
          <span className="text-xs text-slate-500" aria-label="Connection">
            {connection === "live" ? "● live" : connection}
          </span>
          <div className="ml-auto">
            <RunControls run={run} steps={state.steps} onChanged={reload} />
          </div>
        </div>
        <p className="text-sm text-slate-600">
          pipeline <b>{run.pipeline}</b> v{run.pipelineVersion} · experiment <b>{run.experimentName}</b>
          {run.createdBy ? ` · submitted by ${run.createdBy}` : ""} · started {formatTime(run.startedAt)} · duration{" "}
          {formatDuration(durationBetween(run.startedAt, run.endedAt, now))}
        </p>
        <p className="text-sm text-slate-600">
          parameters:{" "}
          {Object.entries(run.parameters).map(([k, v]) => (
            <code key={k} className="mr-2 rounded bg-slate-100 px-1">
              {k}={String(v)}
            </code>
          ))}
        </p>
        {ended && run.statusReason && (
          <p
            data-testid="end-reason"
            className={`rounded border p-3 text-sm ${run.status === "completed" ? "border-green-200 bg-green-50" : "border-red-200 bg-red-50"}`}
          >
            {run.statusReason}
          </p>
        )}
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
      </header>
      <Panel title="Pipeline">
        <RunGraph steps={state.steps} />
      </Panel>
      <div className="space-y-4">
        {state.steps.map((step) => (
          <StepProgress key={step.name} step={step} throughput={state.throughput[step.name] ?? []} />
        ))}
      </div>
      {state.steps
        .filter((s) => hasStepOutput(s.status) && s.outputAction !== "summary_only")
        .map((s) => (
          <ResultsPanel key={s.name} runId={run.id} step={s.name} version={`${run.endedAt ?? ""}`} />
        ))}
      <Panel title="Nodes and worker processes">
        <WorkersTable workers={state.workers} active={active} />
      </Panel>
      <Panel title={`Failures (${state.failures.length})`}>
        <FailuresTable failures={state.failures} onShowLog={setLogTarget} />
      </Panel>
      <Panel title="Logs">
        <LogViewer runId={run.id} active={!ended} target={logTarget} />
      </Panel>
    </div>
  );
}

function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="space-y-2 rounded border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">{title}</h2>
      {children}
    </section>
  );
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!intervalMs) return;
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
