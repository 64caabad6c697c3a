"use client";

import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import type { ThroughputPoint } from "@/lib/contracts/run-events";
import type { StepTimingJson } from "@/lib/contracts/run-insights";
import { formatDuration } from "./format";
import { histogram } from "./histogram";

/**
 * The run page's charts on uPlot (canvas, built for live series): items/s over time, the
 * distribution of mini-batch durations, and a timeline of mini-batches per worker process.
 * Each chart follows its container's width and shows values under the cursor.
 */

const AXIS = { stroke: "#64748b", grid: { stroke: "rgba(148,163,184,0.25)", width: 1 }, ticks: { stroke: "rgba(148,163,184,0.4)", width: 1 } };

/** A uPlot chart in a div: rebuilt when `shape` changes, fed new data through setData otherwise. */
function useUPlot(make: (width: number) => uPlot.Options, data: uPlot.AlignedData, shape: string) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the chart is rebuilt when its shape changes; data updates go through setData
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    plot.current = new uPlot(make(el.clientWidth || 600), data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth || 600, height: plot.current.height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape]);
  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
  return box;
}

/** A small box under the cursor with the point's values (uPlot's cursor, drawn by us). */
function tooltipPlugin(format: (u: uPlot, idx: number) => string | undefined): uPlot.Plugin {
  let tip: HTMLDivElement;
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement("div");
        tip.className = "prs-chart-tip";
        tip.setAttribute("role", "tooltip");
        tip.style.cssText =
          "position:absolute;pointer-events:none;display:none;z-index:10;padding:2px 6px;border-radius:4px;font-size:11px;background:rgba(15,23,42,.9);color:#fff;white-space:nowrap";
        u.over.appendChild(tip);
      },
      setCursor: (u) => {
        const idx = u.cursor.idx;
        const text = idx == null ? undefined : format(u, idx);
        if (!text || u.cursor.left == null || u.cursor.left < 0) {
          tip.style.display = "none";
          return;
        }
        tip.textContent = text;
        tip.style.display = "block";
        const left = Math.min(u.cursor.left + 10, u.over.clientWidth - tip.offsetWidth);
        tip.style.left = `${left}px`;
        tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 28)}px`;
      },
    },
  };
}

export function ThroughputChart({ points, name }: { points: ThroughputPoint[]; name: string }) {
  const data: uPlot.AlignedData = [points.map((p) => p.at / 1000), points.map((p) => p.itemsPerSecond)];
  const box = useUPlot(
    (width) => ({
      width,
      height: 160,
      legend: { show: false },
      cursor: { y: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        {
          ...AXIS,
          values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })),
        },
        { ...AXIS, label: "items/s", size: 56, values: (_u, ticks) => ticks.map((t) => compact(t)) },
      ],
      series: [{}, { label: "items/s", stroke: "#2563eb", width: 2, fill: "rgba(37,99,235,0.12)", points: { show: false } }],
      plugins: [
        tooltipPlugin((u, i) => {
          const t = u.data[0][i];
          const v = u.data[1]?.[i];
          return t == null || v == null ? undefined : `${new Date(t * 1000).toLocaleTimeString()} · ${v.toFixed(1)} items/s`;
        }),
      ],
    }),
    data,
    "throughput",
  );
  const t0 = points[0]?.at ?? 0;
  const t1 = points[points.length - 1]?.at ?? t0;
  const peak = Math.max(0, ...points.map((p) => p.itemsPerSecond));
  return (
    <figure className="space-y-1">
      <div ref={box} role="img" aria-label={`Throughput of ${name} over time`} />
      <figcaption className="text-xs text-slate-500 dark:text-slate-400">
        items/s over {formatDuration((t1 - t0) / 1000)} (peak {peak.toFixed(1)})
      </figcaption>
    </figure>
  );
}

export function DurationHistogram({ timing }: { timing: StepTimingJson }) {
  const bins = histogram(timing.durations, 24);
  const data: uPlot.AlignedData = [bins.map((b) => b.from), bins.map((b) => b.count)];
  const box = useUPlot(
    (width) => ({
      width,
      height: 160,
      legend: { show: false },
      cursor: { y: false, points: { show: false } },
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { ...AXIS, label: "mini-batch duration", values: (_u, ticks) => ticks.map((t) => formatMs(t)) },
        { ...AXIS, label: "mini-batches", size: 48 },
      ],
      series: [
        {},
        {
          label: "mini-batches",
          stroke: "#7c3aed",
          fill: "rgba(124,58,237,0.35)",
          width: 1,
          paths: uPlot.paths.bars?.({ size: [0.9, 64], align: 1 }),
          points: { show: false },
        },
      ],
      plugins: [
        tooltipPlugin((_u, i) => {
          const b = bins[i];
          return b ? `${formatMs(b.from)}–${formatMs(b.to)}: ${b.count} mini-batch${b.count === 1 ? "" : "es"}` : undefined;
        }),
      ],
    }),
    data,
    `${bins.length}`,
  );
  return (
    <figure className="space-y-1">
      <div ref={box} role="img" aria-label={`Mini-batch durations of ${timing.step}`} />
      <figcaption className="text-xs text-slate-500 dark:text-slate-400">
        {timing.finished.toLocaleString()} finished mini-batch{timing.finished === 1 ? "" : "es"}
        {timing.sampled ? ` (${timing.durations.length.toLocaleString()} sampled)` : ""}; median {formatMs(median(timing.durations))}
      </figcaption>
    </figure>
  );
}

const STATUS_FILL: Record<string, string> = { succeeded: "#22c55e", failed: "#ef4444" };

export function ProcessTimeline({ timing }: { timing: StepTimingJson }) {
  const lanes = timing.lanes;
  const end = Math.max(1, ...lanes.flatMap((l) => l.bars.map((b) => b.end)));
  const data: uPlot.AlignedData = [
    [0, end / 1000],
    [null, null],
  ];
  const box = useUPlot(
    (width) => ({
      width,
      height: Math.max(90, 36 + lanes.length * 26),
      legend: { show: false },
      cursor: { y: false, points: { show: false } },
      scales: { x: { time: false, range: [0, (end / 1000) * 1.02] }, y: { range: [-0.5, lanes.length - 0.5] } },
      axes: [
        { ...AXIS, label: "seconds since the first mini-batch", values: (_u, ticks) => ticks.map((t) => `${compact(t)} s`) },
        { ...AXIS, size: 140, splits: () => lanes.map((_, i) => i), values: () => lanes.map((l) => l.label), grid: { show: false } },
      ],
      series: [{}, { label: "", show: true, points: { show: false } }],
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            lanes.forEach((lane, i) => {
              const yc = u.valToPos(i, "y", true);
              const h = Math.min(18, (u.bbox.height / Math.max(1, lanes.length)) * 0.7) * devicePixelRatio;
              for (const b of lane.bars) {
                const x0 = u.valToPos(b.start / 1000, "x", true);
                const x1 = Math.max(x0 + 1, u.valToPos(b.end / 1000, "x", true));
                ctx.fillStyle = STATUS_FILL[b.status] ?? "#94a3b8";
                ctx.fillRect(x0, yc - h / 2, x1 - x0, h);
              }
            });
            ctx.restore();
          },
        ],
      },
      plugins: [
        tooltipPlugin((u) => {
          const left = u.cursor.left ?? -1;
          const top = u.cursor.top ?? -1;
          if (left < 0) return undefined;
          const t = u.posToVal(left, "x") * 1000;
          const lane = lanes[Math.round(u.posToVal(top, "y"))];
          const bar = lane?.bars.find((b) => b.start <= t && t <= b.end);
          return bar && lane
            ? `${lane.label}: mini-batch ${bar.idx}, ${bar.items} item${bar.items === 1 ? "" : "s"}, ${formatMs(bar.end - bar.start)} (${bar.status})`
            : undefined;
        }),
      ],
    }),
    data,
    JSON.stringify(lanes.map((l) => [l.label, l.bars.length])) + end,
  );
  return (
    <figure className="space-y-1">
      <div ref={box} role="img" aria-label={`Mini-batches per worker process of ${timing.step}`} />
      <figcaption className="text-xs text-slate-500 dark:text-slate-400">
        One row per worker process; green succeeded, red failed{timing.sampled ? " (sampled)" : ""}.
      </figcaption>
    </figure>
  );
}

function compact(n: number): string {
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return formatDuration(ms / 1000);
}

function median(values: number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
