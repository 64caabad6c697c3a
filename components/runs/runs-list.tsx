"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ErrorText } from "@/components/ui/notice";
import { Cell, Row, Table } from "@/components/ui/table";
import { api } from "@/lib/contracts/api/client";
import type { RunSummary } from "@/lib/contracts/run-api";
import { RunStatus } from "@/lib/contracts/statuses";
import { durationBetween, formatDuration, formatTime, relativeTime } from "./format";
import { outcomeOf } from "./outcome";
import { plural } from "./plural";
import { StatusBadge } from "./status-badge";
import { SubmitButton } from "./submit-dialog";

const STATUSES = ["", ...RunStatus.options];
const RUN_COLUMNS = [
  "Run",
  "Status",
  "Submitted by",
  "Started",
  "Duration",
  { label: "Items processed", align: "right" },
  { label: "Failed", align: "right" },
] as const;

/** Runs grouped by experiment and pipeline, refreshed every 2 s so status changes show live. */
export function RunsList({ pipelines }: { pipelines: string[] }) {
  const [status, setStatus] = useState("");
  const [pipeline, setPipeline] = useState("");
  const [text, setText] = useState("");
  const runs = useQuery({
    queryKey: ["runs", status, pipeline],
    queryFn: () => api.listRuns({ query: { status: RunStatus.safeParse(status).data, pipeline: pipeline || undefined } }),
    refetchInterval: 2000,
  });

  const groups = useMemo(() => {
    const out = new Map<string, RunSummary[]>();
    for (const r of runs.data?.runs ?? []) {
      if (text && !`${r.id} ${r.experimentName} ${r.pipeline}`.toLowerCase().includes(text.toLowerCase())) continue;
      const key = `${r.experimentName}\u0000${r.pipeline}`;
      out.set(key, [...(out.get(key) ?? []), r]);
    }
    return [...out.entries()].map(([key, list]) => {
      const [experiment, pipelineName] = key.split("\u0000") as [string, string];
      return { experiment, pipeline: pipelineName, runs: list };
    });
  }, [runs.data, text]);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="mr-auto text-xl font-semibold">Runs</h1>
        <label className="text-sm">
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || "any"}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Pipeline{" "}
          <select value={pipeline} onChange={(e) => setPipeline(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
            <option value="">any</option>
            {pipelines.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Search{" "}
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="run id or experiment"
            className="rounded border border-slate-300 px-2 py-1"
          />
        </label>
        {pipelines.length > 0 && <SubmitButton pipelines={pipelines} label="Submit a pipeline" />}
      </div>
      <ErrorText error={runs.error} />
      {runs.data && groups.length === 0 && <p className="text-slate-600">No runs match. Submit a pipeline to start one.</p>}
      {groups.map((g) => (
        <section
          key={`${g.experiment}/${g.pipeline}`}
          aria-label={`Experiment ${g.experiment}, pipeline ${g.pipeline}`}
          className="rounded border border-slate-200 bg-white"
        >
          <h2 className="border-b border-slate-200 px-4 py-2 text-sm font-semibold">
            {g.experiment}{" "}
            <span className="font-normal text-slate-500">
              · pipeline {g.pipeline} · {plural(g.runs.length, "run")}
            </span>
          </h2>
          <Table variant="inset" columns={RUN_COLUMNS}>
            {g.runs.map((r) => (
              <Row key={r.id}>
                <Cell>
                  <a href={`/runs/${r.id}`} className="font-mono text-blue-700 hover:underline">
                    {r.id}
                  </a>
                </Cell>
                <Cell title={r.statusReason ?? undefined}>
                  <StatusBadge status={r.status} outcome={outcomeOf(r.status, r)} />
                </Cell>
                <Cell>{r.createdBy ?? ""}</Cell>
                <Cell title={formatTime(r.startedAt)}>{relativeTime(r.startedAt)}</Cell>
                <Cell>{formatDuration(durationBetween(r.startedAt, r.endedAt))}</Cell>
                <Cell numeric>
                  {(r.succeededItems + r.failedItems).toLocaleString()} / {r.totalItems.toLocaleString()}
                </Cell>
                <Cell numeric className={r.failedItems ? "text-red-700" : undefined}>
                  {r.failedItems.toLocaleString()}
                </Cell>
              </Row>
            ))}
          </Table>
        </section>
      ))}
    </div>
  );
}
