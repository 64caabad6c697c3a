"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { RunComparisonJson, StepFigures } from "@/lib/contracts/run-insights";
import { formatDuration, formatTime } from "./format";
import { outcomeText } from "./outcome";
import { plural } from "./plural";
import { StatusBadge } from "./status-badge";

/**
 * Two runs of one pipeline side by side: pick them, see parameters, durations and throughput,
 * and the output rows whose values changed (keyed by the first column), with a CSV of the changes.
 */
export function CompareRuns({ initialA, initialB }: { initialA: string; initialB: string }) {
  const [a, setA] = useState(initialA);
  const [b, setB] = useState(initialB);
  const runA = useQuery({ queryKey: ["run-snapshot", a], queryFn: () => api.getRun({ params: { runId: a } }), enabled: !!a });
  const pipeline = runA.data?.run.pipeline;
  const candidates = useQuery({
    queryKey: ["runs", "of", pipeline],
    queryFn: () => api.listRuns({ query: { pipeline: pipeline!, take: 100 } }),
    enabled: !!pipeline,
  });
  const both = !!a && !!b && a !== b;
  const comparison = useQuery({ queryKey: ["compare", a, b], queryFn: () => api.compareRuns({ query: { a, b } }), enabled: both });
  const choose = (which: "a" | "b", id: string) => {
    (which === "a" ? setA : setB)(id);
    const url = new URL(window.location.href);
    url.searchParams.set(which, id);
    window.history.replaceState(null, "", url);
  };
  const others = (candidates.data?.runs ?? []).filter((r) => r.id !== a);
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">Compare runs</h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Two runs of one pipeline: parameters, durations and throughput, and the output rows whose values changed.
        </p>
      </header>
      <div className="flex flex-wrap items-end gap-4 text-sm">
        <label className="flex flex-col gap-1">
          Run A
          <input
            value={a}
            onChange={(e) => choose("a", e.target.value.trim())}
            placeholder="run_…"
            className="w-64 rounded border border-slate-300 px-2 py-1 font-mono dark:border-slate-600 dark:bg-slate-800"
          />
        </label>
        <label className="flex flex-col gap-1">
          Run B
          <select
            value={b}
            onChange={(e) => choose("b", e.target.value)}
            disabled={!others.length}
            className="w-96 rounded border border-slate-300 px-2 py-1 dark:border-slate-600 dark:bg-slate-800"
          >
            <option value="">{pipeline ? `another run of ${pipeline}…` : "pick run A first"}</option>
            {others.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id} · {outcomeText[r.status]} · {formatTime(r.createdAt)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorText error={runA.error ?? comparison.error} />
      {comparison.data && <Comparison c={comparison.data} />}
    </div>
  );
}

function Comparison({ c }: { c: RunComparisonJson }) {
  return (
    <div className="space-y-6">
      <section aria-label="Runs" className="overflow-x-auto rounded border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
        <h2 className="mb-2 font-semibold">{c.pipeline}: parameters and figures</h2>
        <table aria-label="Parameters side by side" className="w-full table-fixed text-sm">
          <thead className="text-left text-slate-500 dark:text-slate-400">
            <tr>
              <th className="w-1/4 py-1 font-normal" />
              {[c.a, c.b].map((r, i) => (
                <th key={r.id} className="py-1 font-normal">
                  <span className="mr-2 font-semibold text-slate-900 dark:text-slate-100">{i === 0 ? "A" : "B"}</span>
                  <a className="font-mono text-blue-700 hover:underline dark:text-blue-300" href={`/runs/${r.id}`}>
                    {r.id}
                  </a>{" "}
                  <StatusBadge status={r.status} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <SideRow label="version" a={`v${c.a.version}`} b={`v${c.b.version}`} />
            <SideRow label="duration" a={formatDuration(c.a.seconds)} b={formatDuration(c.b.seconds)} />
            {c.parameters.map((p) => (
              <SideRow key={p.name} label={p.name} a={p.a ?? "–"} b={p.b ?? "–"} changed={p.changed} mono />
            ))}
          </tbody>
        </table>
      </section>
      <section aria-label="Steps" className="overflow-x-auto rounded border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
        <h2 className="mb-2 font-semibold">Steps</h2>
        <table aria-label="Steps side by side" className="w-full table-fixed text-sm">
          <thead className="text-left text-slate-500 dark:text-slate-400">
            <tr>
              <th className="w-1/4 py-1 font-normal">step</th>
              <th className="py-1 font-normal">A</th>
              <th className="py-1 font-normal">B</th>
            </tr>
          </thead>
          <tbody>
            {c.steps.map((s) => (
              <tr key={s.name} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1 font-medium">{s.name}</td>
                <td className="py-1">{describe(s.a)}</td>
                <td className="py-1">{describe(s.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <ChangedRows c={c} />
    </div>
  );
}

function SideRow({ label, a, b, changed, mono }: { label: string; a: string; b: string; changed?: boolean; mono?: boolean }) {
  return (
    <tr
      className={`border-t border-slate-100 dark:border-slate-800 ${changed ? "bg-amber-50 dark:bg-amber-950/40" : ""}`}
      data-changed={changed ? "true" : undefined}
    >
      <td className="py-1 text-slate-600 dark:text-slate-300">
        {label}
        {changed ? <span className="ml-2 text-xs text-amber-800 dark:text-amber-200">changed</span> : null}
      </td>
      <td className={`break-all py-1 ${mono ? "font-mono" : ""}`}>{a}</td>
      <td className={`break-all py-1 ${mono ? "font-mono" : ""}`}>{b}</td>
    </tr>
  );
}

function describe(f: StepFigures | undefined): string {
  if (!f) return "not run";
  const rate = f.itemsPerSecond === undefined ? "" : ` · ${f.itemsPerSecond.toFixed(1)} items/s`;
  return `${outcomeText[f.status]} · ${plural(f.items, "item")}${f.failedItems ? ` (${f.failedItems} failed)` : ""} · ${formatDuration(f.seconds)}${rate}`;
}

function ChangedRows({ c }: { c: RunComparisonJson }) {
  const rest = c.columns.slice(1);
  return (
    <section aria-label="Changed rows" className="space-y-3 rounded border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="font-semibold">Changed rows{c.outputStep ? ` of ${c.outputStep}` : ""}</h2>
        {c.outputStep && !c.note && (
          <span className="text-sm text-slate-600 dark:text-slate-300" data-testid="changed-summary">
            {plural(c.changedTotal, "row")} of {plural(c.compared, "key")} differ (keyed by <code>{c.key}</code>)
          </span>
        )}
        {c.changedTotal > 0 && (
          <a
            className={buttonClass({ variant: "primary", className: "ml-auto" })}
            href={api.url("compareRunsCsv", { query: { a: c.a.id, b: c.b.id, ...(c.outputStep ? { step: c.outputStep } : {}) } })}
            download
          >
            Download differences (CSV)
          </a>
        )}
      </div>
      {c.note && <p className="break-words text-sm text-slate-600 dark:text-slate-300">{c.note}</p>}
      {!c.note && c.changedTotal === 0 && c.outputStep && <p className="text-sm text-slate-600 dark:text-slate-300">Both runs wrote the same rows.</p>}
      {c.changed.length > 0 && (
        <div className="overflow-x-auto">
          <table aria-label="Rows that changed" className="w-full text-sm">
            <thead className="text-left text-slate-500 dark:text-slate-400">
              <tr>
                <th className="px-2 py-1 font-normal first:pl-0">{c.key}</th>
                {rest.flatMap((col) => [
                  <th key={`${col}-a`} className="px-2 py-1 font-normal">
                    {col} (A)
                  </th>,
                  <th key={`${col}-b`} className="px-2 py-1 font-normal">
                    {col} (B)
                  </th>,
                ])}
              </tr>
            </thead>
            <tbody>
              {c.changed.map((r) => (
                <tr key={r.key} className="border-t border-slate-100 font-mono dark:border-slate-800">
                  <td className="px-2 py-1 first:pl-0">{r.key}</td>
                  {rest.flatMap((col, i) => {
                    const va = r.a?.[i + 1];
                    const vb = r.b?.[i + 1];
                    const diff = va !== vb;
                    return [
                      <td key={`${col}-a`} className={`px-2 py-1 ${diff ? "text-red-700 dark:text-red-300" : ""}`}>
                        {va ?? "–"}
                      </td>,
                      <td key={`${col}-b`} className={`px-2 py-1 ${diff ? "text-green-700 dark:text-green-300" : ""}`}>
                        {vb ?? "–"}
                      </td>,
                    ];
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {c.changedTotal > c.changed.length && (
            <p className="pt-2 text-sm text-slate-500">
              The first {c.changed.length} of {c.changedTotal} are shown; the download has them all.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
