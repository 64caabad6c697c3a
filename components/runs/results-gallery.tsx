"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Pager } from "@/components/ui/pager";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import type { OutputPageJson } from "@/lib/contracts/run-insights";
import { plural } from "./plural";

const PAGE = 48;
type Order = "file" | "asc" | "desc";

/**
 * Image inputs with what the model said: a thumbnail per image (made by the server from the
 * datastore), its predicted label and probability; filter by label, lowest probability first to
 * find the mistakes.
 */
export function ResultsGallery({ runId, step, version, probe }: { runId: string; step: string; version: string; probe: OutputPageJson }) {
  const [label, setLabel] = useState("");
  const [order, setOrder] = useState<Order>("asc");
  const [page, setPage] = useState(1);
  const probability = probe.columns.find((c) => /^(probability|score|confidence)$/i.test(c));
  const query = {
    step,
    page: String(page),
    pageSize: String(PAGE),
    ...(label ? { label } : {}),
    ...(order !== "file" && probability ? { sort: probability, order } : {}),
  };
  const rows = useQuery({
    queryKey: ["rows", runId, step, version, query],
    queryFn: () => api.outputRows({ params: { runId }, query }),
    placeholderData: keepPreviousData,
  });
  const data = rows.data;
  const fileIndex = 0;
  const labelIndex = probe.labelColumn ? probe.columns.indexOf(probe.labelColumn) : -1;
  const probIndex = probability ? probe.columns.indexOf(probability) : -1;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <label>
          {probe.labelColumn}{" "}
          <select
            aria-label="Filter by label"
            value={label}
            onChange={(e) => {
              setLabel(e.target.value);
              setPage(1);
            }}
            className="rounded border border-slate-300 px-2 py-1 dark:border-slate-600 dark:bg-slate-800"
          >
            <option value="">all</option>
            {probe.labels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        {probability && (
          <label>
            Order{" "}
            <select
              aria-label="Sort images"
              value={order}
              onChange={(e) => {
                setOrder(e.target.value as Order);
                setPage(1);
              }}
              className="rounded border border-slate-300 px-2 py-1 dark:border-slate-600 dark:bg-slate-800"
            >
              <option value="asc">lowest {probability} first</option>
              <option value="desc">highest {probability} first</option>
              <option value="file">file order</option>
            </select>
          </label>
        )}
        {data && (
          <span className="text-slate-500 dark:text-slate-400" aria-live="polite">
            {plural(data.total, "image")}
            {label ? ` labelled ${label}` : ""}
          </span>
        )}
      </div>
      <ErrorText error={rows.error} />
      {data && (
        <ul aria-label="Result images" className="grid grid-cols-[repeat(auto-fill,minmax(120px,1fr))] gap-3">
          {data.rows.map((row) => {
            const file = row[fileIndex] ?? "";
            const p = probIndex >= 0 ? Number(row[probIndex]) : Number.NaN;
            return (
              <li
                key={file}
                className="overflow-hidden rounded border border-slate-200 bg-slate-50 text-xs dark:border-slate-700 dark:bg-slate-800"
                data-label={row[labelIndex]}
              >
                {/* biome-ignore lint/performance/noImgElement: thumbnails come from the API, already small */}
                <img
                  src={api.url("runThumbnail", { params: { runId }, query: { step, file } })}
                  alt={`${file}, predicted ${row[labelIndex] ?? "?"}`}
                  loading="lazy"
                  width={96}
                  height={96}
                  className="mx-auto block h-24 w-24 object-contain [image-rendering:pixelated]"
                />
                <div className="space-y-0.5 border-t border-slate-200 bg-white p-1.5 dark:border-slate-700 dark:bg-slate-900">
                  <div className="flex items-center justify-between gap-1">
                    <span className="font-semibold">{row[labelIndex]}</span>
                    {Number.isFinite(p) && (
                      <span
                        className={`tabular-nums ${p < 0.6 ? "text-red-700 dark:text-red-300" : p < 0.9 ? "text-amber-700 dark:text-amber-300" : "text-slate-600 dark:text-slate-300"}`}
                      >
                        {(p * 100).toFixed(1)}%
                      </span>
                    )}
                  </div>
                  <div className="truncate font-mono text-slate-500 dark:text-slate-400" title={file}>
                    {file}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {data && pages > 1 && (
        <div className="flex items-center gap-3 text-sm">
          <Pager page={data.page} pages={pages} onPage={setPage} />
        </div>
      )}
    </div>
  );
}
