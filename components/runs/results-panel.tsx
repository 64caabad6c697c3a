"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { Pager } from "@/components/ui/pager";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { ValueCounts } from "@/lib/contracts/run-api";
import type { OutputPageJson } from "@/lib/contracts/run-insights";
import { plural } from "./plural";
import { ResultsGallery } from "./results-gallery";

/** The append_row output of a step: a gallery for image inputs, a paged sortable table over the whole file, counts per label, CSV download. */
export function ResultsPanel({ runId, step, version }: { runId: string; step: string; version: string }) {
  const params = { runId };
  const [view, setView] = useState<"gallery" | "table">("gallery");
  const first = useQuery({ queryKey: ["rows", runId, step, version, "probe"], queryFn: () => api.outputRows({ params, query: { step, pageSize: "1" } }) });
  const counts = useQuery({ queryKey: ["value-counts", runId, step, version], queryFn: () => api.valueCounts({ params, query: { step } }) });
  const probe = first.data;
  const empty = probe?.fileRows === 0;
  const gallery = probe?.images && !!probe.labelColumn;
  const shown = gallery ? view : "table";
  return (
    <section aria-label={`Results of ${step}`} className="space-y-4 rounded border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="font-semibold">Results of {step}</h2>
        {probe && (
          <span className="text-sm text-slate-500 dark:text-slate-400">
            {probe.fileName} · {plural(probe.fileRows, "row")}
          </span>
        )}
        {gallery && !empty && (
          <div role="tablist" aria-label="Results view" className="flex overflow-hidden rounded border border-slate-300 text-sm dark:border-slate-600">
            {(["gallery", "table"] as const).map((v) => (
              <button
                key={v}
                type="button"
                role="tab"
                aria-selected={shown === v}
                onClick={() => setView(v)}
                className={`px-3 py-1 capitalize ${shown === v ? "bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900" : "bg-white dark:bg-slate-800"}`}
              >
                {v}
              </button>
            ))}
          </div>
        )}
        {probe && !empty && (
          <a
            href={api.url("downloadOutput", { params, query: { step } })}
            download
            className={buttonClass({ variant: "primary", size: "lg", className: "ml-auto" })}
          >
            Download CSV
          </a>
        )}
      </div>
      <ErrorText error={first.error} />
      {empty && (
        <p className="rounded border border-amber-200 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
          The step wrote no rows: no item produced a result (see the failures and the logs), so there is nothing to download.
        </p>
      )}
      {probe && !empty && shown === "gallery" && <ResultsGallery runId={runId} step={step} version={version} probe={probe} />}
      {probe && !empty && shown === "table" && <OutputTable runId={runId} step={step} version={version} />}
      {!empty && counts.data && counts.data.counts.length > 0 && <CountsChart data={counts.data} />}
    </section>
  );
}

const PAGE_SIZES = [10, 25, 50, 100];

function OutputTable({ runId, step, version }: { runId: string; step: string; version: string }) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [sort, setSort] = useState<{ column: string; order: "asc" | "desc" }>();
  const query = { step, page: String(page), pageSize: String(pageSize), ...(sort ? { sort: sort.column, order: sort.order } : {}) };
  const rows = useQuery({
    queryKey: ["rows", runId, step, version, query],
    queryFn: () => api.outputRows({ params: { runId }, query }),
    placeholderData: keepPreviousData,
  });
  const data: OutputPageJson | undefined = rows.data;
  if (!data) return <ErrorText error={rows.error} />;
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const toggle = (column: string) => {
    setPage(1);
    setSort((s) => (s?.column !== column ? { column, order: "asc" } : s.order === "asc" ? { column, order: "desc" } : undefined));
  };
  return (
    <div className="space-y-2">
      <ErrorText error={rows.error} />
      <div className="overflow-x-auto">
        <table aria-label="Output rows" className="w-full table-fixed text-sm">
          <thead className="text-left text-slate-500 dark:text-slate-400">
            <tr>
              {data.columns.map((c) => {
                const sorted = sort?.column === c ? sort.order : undefined;
                return (
                  <th
                    key={c}
                    className="px-2 py-1 font-normal first:pl-0"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
                  >
                    <button type="button" onClick={() => toggle(c)} className="inline-flex items-center gap-1 hover:text-slate-900 dark:hover:text-white">
                      {c}
                      <span aria-hidden className="text-xs">
                        {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row, i) => (
              // Output rows have no identity of their own; their place on the page is theirs.
              <tr key={`${data.page}-${i}`} className="border-t border-slate-100 dark:border-slate-800">
                {row.map((cell, j) => (
                  <td key={j} className="truncate px-2 py-1 font-mono first:pl-0" title={cell}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600 dark:text-slate-300">
        <span aria-live="polite">
          Rows {((data.page - 1) * data.pageSize + 1).toLocaleString()}–{Math.min(data.page * data.pageSize, data.total).toLocaleString()} of{" "}
          {data.total.toLocaleString()}
        </span>
        <Pager page={data.page} pages={pages} onPage={setPage} />
        <label className="ml-auto">
          Rows per page{" "}
          <select
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.target.value));
              setPage(1);
            }}
            className="rounded border border-slate-300 px-1 py-0.5 dark:border-slate-600 dark:bg-slate-800"
          >
            {PAGE_SIZES.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}

function CountsChart({ data }: { data: ValueCounts }) {
  const max = Math.max(...data.counts.map((c) => c.count));
  return (
    <figure aria-label={`Count per ${data.column}`} className="space-y-1">
      <figcaption className="text-sm text-slate-600 dark:text-slate-300">
        Rows per <b>{data.column}</b> ({plural(data.rows, "row")}
        {data.truncated ? ", first 50 values" : ""})
      </figcaption>
      <div className="space-y-0.5">
        {data.counts.map((c) => (
          <div key={c.value} className="flex items-center gap-2 text-xs">
            <span className="w-24 truncate text-right font-mono" title={c.value}>
              {c.value}
            </span>
            <div className="h-3 rounded bg-blue-500" style={{ width: `${(70 * c.count) / max}%` }} />
            <span className="tabular-nums">{c.count.toLocaleString()}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}
