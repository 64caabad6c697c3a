"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "@/lib/contracts/api/client";
import { hasStepOutput, isActiveRunStatus, isTerminalRunStatus } from "@/lib/contracts/statuses";
import { FailuresTable, type LogTarget } from "./failures-table";
import { durationBetween, formatDuration, formatTime } from "./format";
import { LogViewer } from "./log-viewer";
import { runOutcome, outcomeTone, toneClass } from "./outcome";
import { ResultsPanel } from "./results-panel";
import { RunControls } from "./run-controls";
import { RunFlow } from "./run-flow";
import { StatusBadge } from "./status-badge";
import { StepDetails } from "./step-details";
import { runFigures } from "./run-figures";
import { useRunEvents } from "./use-run-events";
import { WorkersTable } from "./workers-table";

/** One run, live: the pipeline graph coloured by state, the selected step's details, results, logs and controls. */
export function RunPage({ runId }: { runId: string }) {
  const { state, connection, error, reload } = useRunEvents(runId);
  const [logTarget, setLogTarget] = useState<LogTarget>();
  const [picked, setPicked] = useState<string>();
  const now = useNow(state.run && !state.run.endedAt ? 1000 : 0);
  const graph = useQuery({ queryKey: ["run-graph", runId, state.run?.status], queryFn: () => api.runGraph({ params: { runId } }), enabled: !!state.run });
  const run = state.run;
  if (!run) {
    return (
      <div>
        <h1 className="font-mono text-xl font-semibold">{runId}</h1>
        <p className="text-slate-600 dark:text-slate-300">{connection === "closed" ? `Run ${runId} was not found.` : "Loading run…"}</p>
      </div>
    );
  }
  const ended = isTerminalRunStatus(run.status);
  const active = isActiveRunStatus(run.status);
  const outcome = runOutcome(run.status, state.steps);
  const figures = runFigures(run, state.steps, now);
  const selected = picked ?? state.steps.find((s) => s.status === "running" || s.status === "planning")?.name ?? state.steps[state.steps.length - 1]?.name;
  const step = state.steps.find((s) => s.name === selected);
  const reused = graph.data?.steps.filter((s) => s.reusedFromRun) ?? [];
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-xl font-semibold">{run.id}</h1>
          <StatusBadge status={run.status} outcome={outcome} label="Run status" />
          {active ? (
            <span role="status" className="text-xs text-slate-500 dark:text-slate-400" aria-label="Connection">
              {connection === "live" ? "● live" : connection}
            </span>
          ) : null}
          <div className="ml-auto">
            <RunControls run={run} steps={state.steps} onChanged={reload} />
          </div>
        </div>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          pipeline{" "}
          {graph.data ? (
            <a className="font-semibold text-blue-700 underline dark:text-blue-300" href={`/pipelines/${graph.data.pipelineId}`}>
              {run.pipeline}
            </a>
          ) : (
            <b>{run.pipeline}</b>
          )}{" "}
          {graph.data ? (
            <a
              className="text-blue-700 underline dark:text-blue-300"
              href={api.url("pipelineDefinition", { params: { id: graph.data.pipelineId }, query: { version: String(run.pipelineVersion), format: "yaml" } })}
              title="The definition this run used"
            >
              version {run.pipelineVersion}
            </a>
          ) : (
            `version ${run.pipelineVersion}`
          )}{" "}
          · experiment <b>{run.experimentName}</b>
          {run.createdBy ? ` · submitted by ${run.createdBy}` : ""} · started {formatTime(run.startedAt)} ·{" "}
          <a className="text-blue-700 underline dark:text-blue-300" href={`/runs/compare?a=${run.id}`}>
            Compare with another run
          </a>
        </p>
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm" aria-label="Run figures">
          <Figure label="Duration" value={formatDuration(durationBetween(run.startedAt, run.endedAt, now))} />
          <Figure label="Items" value={`${figures.done.toLocaleString()} of ${figures.total.toLocaleString()}`} />
          {figures.failed > 0 && <Figure label="Failed items" value={figures.failed.toLocaleString()} />}
          <Figure
            label={ended ? "Average throughput" : "Throughput"}
            value={figures.itemsPerSecond === undefined ? "–" : `${figures.itemsPerSecond.toFixed(1)} items/s`}
          />
          {!ended && <Figure label="ETA" value={formatDuration(figures.etaSeconds)} />}
        </dl>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          parameters:{" "}
          {Object.entries(run.parameters).map(([k, v]) => (
            <code key={k} className="mr-2 break-all rounded bg-slate-100 px-1 dark:bg-slate-800">
              {k}={String(v)}
            </code>
          ))}
        </p>
        {reused.map((s) => (
          <p key={s.name} className="text-sm text-slate-600 dark:text-slate-300">
            Step <b>{s.name}</b> reused the output of{" "}
            <a className="font-mono text-blue-700 underline dark:text-blue-300" href={`/runs/${s.reusedFromRun}`}>
              {s.reusedFromRun}
            </a>
          </p>
        ))}
        {ended && run.statusReason && (
          <p data-testid="end-reason" className={`whitespace-pre-wrap break-words rounded border p-3 text-sm ${toneClass[outcomeTone[outcome]].panel}`}>
            {run.statusReason}
          </p>
        )}
        {error && (
          <p role="alert" className="break-words text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
      </header>
      <Panel title="Pipeline">
        {graph.data ? (
          <RunFlow graph={graph.data} steps={state.steps} selected={selected} onSelect={setPicked} />
        ) : (
          <p className="text-sm text-slate-500">{graph.error ? `The graph could not be drawn: ${graph.error.message}` : "Drawing the pipeline…"}</p>
        )}
        {state.steps.length > 1 && (
          <fieldset className="flex flex-wrap gap-2 pt-2">
            <legend className="sr-only">Steps</legend>
            {state.steps.map((s) => (
              <button
                type="button"
                key={s.name}
                aria-pressed={s.name === selected}
                onClick={() => setPicked(s.name)}
                className={`rounded border px-2 py-0.5 text-xs ${s.name === selected ? "border-blue-500 bg-blue-50 text-blue-800 dark:bg-blue-950 dark:text-blue-200" : "border-slate-300 dark:border-slate-600"}`}
              >
                {s.name}
              </button>
            ))}
          </fieldset>
        )}
      </Panel>
      {step && <StepDetails runId={run.id} step={step} throughput={state.throughput[step.name] ?? []} active={active} />}
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
        <LogViewer runId={run.id} active={!ended} target={logTarget} step={selected} />
      </Panel>
    </div>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-1.5">
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="font-medium tabular-nums">
        <span role="status" aria-label={label}>
          {value}
        </span>
      </dd>
    </div>
  );
}

function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="space-y-2 rounded border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
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
