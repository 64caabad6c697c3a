"use client";

import { durationBetween, formatDuration, formatTime, relativeTime } from "@/components/runs/format";
import { outcomeOf } from "@/components/runs/outcome";
import { StatusBadge } from "@/components/runs/status-badge";
import { ErrorText } from "@/components/ui/notice";
import { usePipelineRuns } from "./queries";

/** The designer's Runs tab: this pipeline's runs (every version), newest first, each linking to its run page. */
export function RunsTab({ pipelineId }: { pipelineId: string }) {
  const runs = usePipelineRuns(pipelineId);
  const list = runs.data?.runs ?? [];
  return (
    <section aria-label="Runs of this pipeline" className="space-y-2 text-sm">
      <div className="flex items-baseline justify-between">
        <h2 className="text-base font-semibold">Runs</h2>
        <a className="text-xs text-blue-700 underline" href="/runs">
          All runs
        </a>
      </div>
      {runs.error ? <ErrorText error={runs.error} /> : null}
      {runs.isLoading ? <p className="text-slate-500">Loading runs…</p> : null}
      {runs.data && list.length === 0 ? <p className="text-slate-500">No runs yet: Submit run publishes the pipeline and starts one.</p> : null}
      <ul className="space-y-1.5">
        {list.map((r) => (
          <li key={r.id} className="rounded border border-slate-200 p-2" data-run-id={r.id}>
            <div className="flex items-center gap-2">
              <a className="truncate font-mono text-xs text-blue-700 underline" href={`/runs/${r.id}`}>
                {r.id}
              </a>
              <span className="ml-auto">
                <StatusBadge status={r.status} outcome={outcomeOf(r.status, r)} />
              </span>
            </div>
            <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 text-xs text-slate-600">
              <dt>Version</dt>
              <dd>v{r.pipelineVersion}</dd>
              <dt>Started</dt>
              <dd title={formatTime(r.startedAt)}>{relativeTime(r.startedAt)}</dd>
              <dt>Duration</dt>
              <dd>{formatDuration(durationBetween(r.startedAt, r.endedAt))}</dd>
              <dt>Submitted by</dt>
              <dd className="truncate">{r.createdBy ?? "–"}</dd>
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}
