import type { StepView, ThroughputPoint } from "@/lib/contracts/run-events";
import { formatDuration } from "./format";
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
  return (
    <section aria-label={`Step ${step.name}`} className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-3">
        <h3 className="font-semibold">{step.name}</h3>
        <StatusBadge status={step.status} label={`Step ${step.name} status`} />
        <span className="text-sm text-slate-600">
          <span aria-label={`Items per second of ${step.name}`} className="tabular-nums">
            {step.itemsPerSecond.toFixed(1)}
          </span>{" "}
          items/s · ETA {formatDuration(step.etaSeconds)}
        </span>
        <span className="ml-auto text-sm tabular-nums" aria-label={`Items of ${step.name} done`}>
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
      {step.statusReason && <p className="text-sm text-slate-700">{step.statusReason}</p>}
    </section>
  );
}

function ThroughputChart({ points, name }: { points: ThroughputPoint[]; name: string }) {
  const w = 600;
  const h = 100;
  const t0 = points[0]!.at;
  const t1 = Math.max(points[points.length - 1]!.at, t0 + 1);
  const max = Math.max(1, ...points.map((p) => p.itemsPerSecond));
  const path = points.map((p, i) => `${i ? "L" : "M"}${(((p.at - t0) / (t1 - t0)) * w).toFixed(1)},${(h - (p.itemsPerSecond / max) * h).toFixed(1)}`).join(" ");
  return (
    <figure className="space-y-1">
      <svg viewBox={`0 0 ${w} ${h}`} className="h-24 w-full" preserveAspectRatio="none" role="img" aria-label={`Throughput of ${name} over time`}>
        <path d={path} fill="none" stroke="#2563eb" strokeWidth={2} vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="text-xs text-slate-500">
        items/s over {formatDuration((t1 - t0) / 1000)} (peak {max.toFixed(1)})
      </figcaption>
    </figure>
  );
}
