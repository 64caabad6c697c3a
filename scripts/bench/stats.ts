/**
 * How the benchmark turns repetitions into figures it can stand behind: raw and product runs are
 * interleaved (ABAB...), a warm-up round is discarded, best and median are printed for each, and a
 * section whose raw repetitions spread by more than NOISE_LIMIT is flagged noisy instead of given
 * a ratio (one slow raw run must not decide the product's percentage).
 */

export const NOISE_LIMIT = 0.15;

export interface Spread {
  best: number;
  median: number;
  worst: number;
  /** (worst - best) / best. */
  spread: number;
  count: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spreadOf(seconds: number[]): Spread {
  const best = Math.min(...seconds);
  const worst = Math.max(...seconds);
  return { best, median: median(seconds), worst, spread: best > 0 ? (worst - best) / best : 0, count: seconds.length };
}

/**
 * Runs the raw program, then each product variant, once per round (ABAB...), `warmup + rounds`
 * rounds; the warm-up rounds are dropped.
 */
export async function interleave<R, P>(
  rounds: number,
  warmup: number,
  raw: () => Promise<R>,
  products: (() => Promise<P>)[],
): Promise<{ raw: R[]; products: P[][] }> {
  const out = { raw: [] as R[], products: products.map(() => [] as P[]) };
  for (let round = 0; round < warmup + rounds; round++) {
    const r = await raw();
    if (round >= warmup) out.raw.push(r);
    for (let c = 0; c < products.length; c++) {
      const p = await products[c]!();
      if (round >= warmup) out.products[c]!.push(p);
    }
  }
  return out;
}

export interface Ratio {
  /** raw best / product best, as a percentage (higher is better for the product). */
  best: number;
  median: number;
  /** The raw repetitions spread past NOISE_LIMIT: no ratio is claimed. */
  noisy: boolean;
  rawSpread: number;
}

/** The product's share of the raw limit's speed (raw seconds / product seconds), unless the raw side was noisy. */
export function ratioOf(raw: Spread, product: Spread): Ratio {
  return {
    best: (raw.best / product.best) * 100,
    median: (raw.median / product.median) * 100,
    noisy: raw.spread > NOISE_LIMIT,
    rawSpread: raw.spread,
  };
}

export type Verdict = "met" | "not met" | "noisy" | "not measured";

export interface TargetRow {
  target: string;
  goal: string;
  figure: string;
  verdict: Verdict;
}

/** A percentage target: met when the best-against-best ratio reaches it; noisy sections are not judged. */
export function percentTarget(target: string, goalPercent: number, ratio: Ratio | undefined, loop?: Ratio): TargetRow {
  if (!ratio) return { target, goal: `>= ${goalPercent}%`, figure: "-", verdict: "not measured" };
  const figure = `${ratio.best.toFixed(1)}% (median ${ratio.median.toFixed(1)}%; raw spread ${(ratio.rawSpread * 100).toFixed(0)}%${loop ? `; vs raw loop ${loop.best.toFixed(1)}%` : ""})`;
  if (ratio.noisy) return { target, goal: `>= ${goalPercent}%`, figure, verdict: "noisy" };
  return { target, goal: `>= ${goalPercent}%`, figure, verdict: ratio.best >= goalPercent ? "met" : "not met" };
}

/** An upper-bound target (milliseconds, megabytes): met when the figure stays at or under it. */
export function atMostTarget(target: string, limit: number, unit: string, value: number | undefined, detail = ""): TargetRow {
  const goal = `<= ${limit} ${unit}`;
  if (value === undefined || Number.isNaN(value)) return { target, goal, figure: "-", verdict: "not measured" };
  return { target, goal, figure: `${value.toFixed(0)} ${unit}${detail ? ` (${detail})` : ""}`, verdict: value <= limit ? "met" : "not met" };
}

/** A plain-text table with aligned columns. */
export function formatTable(rows: TargetRow[]): string {
  const header = { target: "target", goal: "goal", figure: "figure", verdict: "met?" };
  const all = [header, ...rows.map((r) => ({ ...r, verdict: r.verdict as string }))];
  const width = (k: keyof typeof header) => Math.max(...all.map((r) => r[k].length));
  const line = (r: (typeof all)[number]) =>
    `| ${r.target.padEnd(width("target"))} | ${r.goal.padEnd(width("goal"))} | ${r.figure.padEnd(width("figure"))} | ${r.verdict.padEnd(width("verdict"))} |`;
  const rule = `|${"-".repeat(width("target") + 2)}|${"-".repeat(width("goal") + 2)}|${"-".repeat(width("figure") + 2)}|${"-".repeat(width("verdict") + 2)}|`;
  return [line(all[0]!), rule, ...all.slice(1).map(line)].join("\n");
}
