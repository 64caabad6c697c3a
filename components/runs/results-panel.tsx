"use client";

import { useQuery } from "@tanstack/react-query";
import { buttonClass } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/notice";
import { Cell, Row, Table } from "@/components/ui/table";
import { api } from "@/lib/contracts/api/client";
import type { ValueCounts } from "@/lib/contracts/run-api";

/** The append_row output of a step: first rows, counts per predicted value, CSV download. */
export function ResultsPanel({ runId, step, version }: { runId: string; step: string; version: string }) {
  const params = { runId };
  const preview = useQuery({ queryKey: ["preview", runId, step, version], queryFn: () => api.previewOutput({ params, query: { step, rows: "10" } }) });
  const counts = useQuery({ queryKey: ["value-counts", runId, step, version], queryFn: () => api.valueCounts({ params, query: { step } }) });
  return (
    <section aria-label={`Results of ${step}`} className="space-y-4 rounded border border-slate-200 bg-white p-4">
      <div className="flex items-center gap-3">
        <h3 className="font-semibold">Results of {step}</h3>
        {preview.data && <span className="text-sm text-slate-500">{preview.data.fileName}</span>}
        <a
          href={api.url("downloadOutput", { params, query: { step } })}
          download
          className={buttonClass({ variant: "primary", size: "lg", className: "ml-auto" })}
        >
          Download CSV
        </a>
      </div>
      <ErrorText error={preview.error} />
      {preview.data && (
        <Table label="Output preview" columns={preview.data.columns}>
          {preview.data.rows.map((row, i) => (
            // Output rows have no identity of their own; their order is the file's.
            <Row key={i}>
              {row.map((cell, j) => (
                <Cell key={j} mono>
                  {cell}
                </Cell>
              ))}
            </Row>
          ))}
        </Table>
      )}
      {counts.data && counts.data.counts.length > 0 && <CountsChart data={counts.data} />}
    </section>
  );
}

function CountsChart({ data }: { data: ValueCounts }) {
  const max = Math.max(...data.counts.map((c) => c.count));
  return (
    <figure aria-label={`Count per ${data.column}`} className="space-y-1">
      <figcaption className="text-sm text-slate-600">
        Rows per <b>{data.column}</b> ({data.rows.toLocaleString()} rows{data.truncated ? ", first 50 values" : ""})
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
