import type { StepView, ThroughputPoint } from "@/lib/contracts/run-events";
import { ThroughputChart } from "./charts";
import { durationBetween, formatDuration } from "./format";
import { outcomeOf } from "./outcome";
import { stepThroughput } from "./run-figures";
import { StatusBadge } from "./status-badge";

interface Segment {
  label: string;
  value: number;
  color: string;
}

function Bar({ label, total, segments, done }: { label: string; total: number; segments: Segment[]; done: number }) {
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        className="flex h-3 w-full overflow-hidden rounded bg-slate-200"
      >
        {segments.map((s) => (
          <div key={s.label} className={s.color} style={{ width: `${total ? (100 * s.value) / total : 0}%` }} title={`${s.label}: ${s.value}`} />
        ))}
      </div>
      <div className="flex flex-wrap gap-x-3 text-xs text-slate-600">
        {segments.map((s) => (
          <span key={s.label}>
            <span className={`mr-1 inline-block h-2 w-2 rounded-sm ${s.color}`} />
            {s.label}{" "}
            <span className="tabular-nums" data-counter={`${label} ${s.label}`}>
              {s.value.toLocaleString()}
            </span>
          </span>
        ))}
      </div>
    </div>
  );
}

/** Progress of one step: mini-batches and items, items per second, ETA and throughput over time. */
export function StepProgress({ step, throughput }: { step: StepView; throughput: ThroughputPoint[] }) {
  const c = step.counters;
  const items = c.succeededItems + c.failedItems;
  const waiting = Math.max(0, c.scheduledMiniBatches - c.succeededMiniBatches - c.failedMiniBatches - c.runningMiniBatches);
  const live = step.status === "running" || step.status === "planning";
  const rate = stepThroughput(step);
  return (
    <section aria-label={`Step ${step.name}`} className="space-y-3 rounded border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="font-semibold">{step.name}</h2>
        <StatusBadge status={step.status} outcome={outcomeOf(step.status, c)} label={`Step ${step.name} status`} />
        <span className="text-sm text-slate-600 dark:text-slate-300">
          <span role="status" aria-label={`Items per second of ${step.name}`} className="tabular-nums">
            {rate.itemsPerSecond === undefined ? "–" : rate.itemsPerSecond.toFixed(1)}
          </span>{" "}
          items/s{rate.average ? " on average" : ""} ·{" "}
          {live ? `ETA ${formatDuration(step.etaSeconds)}` : `took ${formatDuration(durationBetween(step.startedAt, step.endedAt))}`}
        </span>
        <span role="status" className="ml-auto text-sm tabular-nums" aria-label={`Items of ${step.name} done`}>
          {items.toLocaleString()} / {c.totalItems.toLocaleString()} items
        </span>
      </div>
      <Bar
        label={`Mini-batches of ${step.name}`}
        total={c.totalMiniBatches}
        done={c.succeededMiniBatches + c.failedMiniBatches}
        segments={[
          { label: "succeeded", value: c.succeededMiniBatches, color: "bg-green-500" },
          { label: "failed", value: c.failedMiniBatches, color: "bg-red-500" },
          { label: "running", value: c.runningMiniBatches, color: "bg-blue-500" },
          { label: "scheduled", value: waiting, color: "bg-blue-200" },
          { label: "retried", value: c.retries, color: "bg-amber-400 hidden" },
        ]}
      />
      <Bar
        label={`Items of ${step.name}`}
        total={c.totalItems}
        done={items}
        segments={[
          { label: "succeeded", value: c.succeededItems, color: "bg-green-500" },
          { label: "failed", value: c.failedItems, color: "bg-red-500" },
        ]}
      />
      {throughput.length > 1 && <ThroughputChart points={throughput} name={step.name} />}
      {step.statusReason && <p className="break-words text-sm text-slate-700 dark:text-slate-300">{step.statusReason}</p>}
    </section>
  );
}
