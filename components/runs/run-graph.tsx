import type { StepView } from "@/lib/contracts/run-events";
import { statusColor } from "./format";

const W = 200;
const H = 64;
const GAP_X = 60;
const GAP_Y = 24;

/** The pipeline graph, each step coloured by its state; columns follow dependency depth. */
export function RunGraph({ steps }: { steps: StepView[] }) {
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen = new Set<string>()): number => {
    if (depth.has(name)) return depth.get(name)!;
    if (seen.has(name)) return 0;
    seen.add(name);
    const step = steps.find((s) => s.name === name);
    const d = step?.dependsOn.length ? Math.max(...step.dependsOn.map((p) => depthOf(p, seen) + 1)) : 0;
    depth.set(name, d);
    return d;
  };
  const rows = new Map<number, number>();
  const pos = new Map<string, { x: number; y: number }>();
  for (const s of steps) {
    const d = depthOf(s.name);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    pos.set(s.name, { x: d * (W + GAP_X), y: row * (H + GAP_Y) });
  }
  const width = Math.max(...[...pos.values()].map((p) => p.x + W), W);
  const height = Math.max(...[...pos.values()].map((p) => p.y + H), H);
  return (
    <div className="relative overflow-x-auto" style={{ height }} aria-label="Pipeline graph">
      <svg width={width} height={height} className="absolute left-0 top-0" aria-hidden>
        {steps.flatMap((s) =>
          s.dependsOn.map((from) => {
            const a = pos.get(from);
            const b = pos.get(s.name);
            if (!a || !b) return null;
            return (
              <path
                key={`${from}-${s.name}`}
                d={`M${a.x + W},${a.y + H / 2} C${a.x + W + GAP_X / 2},${a.y + H / 2} ${b.x - GAP_X / 2},${b.y + H / 2} ${b.x},${b.y + H / 2}`}
                stroke="#94a3b8"
                fill="none"
                strokeWidth={2}
              />
            );
          }),
        )}
      </svg>
      {steps.map((s) => {
        const p = pos.get(s.name)!;
        const c = s.counters;
        return (
          <div
            key={s.name}
            data-step={s.name}
            data-status={s.status}
            className={`absolute rounded border border-slate-300 px-3 py-2 text-sm shadow-sm ${statusColor[s.status]}`}
            style={{ left: p.x, top: p.y, width: W, height: H }}
          >
            <div className="font-medium">{s.name}</div>
            <div className="text-xs">
              {s.status} · {(c.succeededItems + c.failedItems).toLocaleString()}/{c.totalItems.toLocaleString()} items
            </div>
          </div>
        );
      })}
    </div>
  );
}
