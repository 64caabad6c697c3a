/** Index of the largest value (first on ties). */
export function argmax(values: ArrayLike<number>, start = 0, end = values.length): number {
  let best = start;
  for (let i = start + 1; i < end; i++) if (values[i]! > values[best]!) best = i;
  return best - start;
}

/** Softmax probability of entry `index` among values[start..end). */
export function softmaxAt(values: ArrayLike<number>, start: number, end: number, index: number): number {
  let max = -Infinity;
  for (let i = start; i < end; i++) if (values[i]! > max) max = values[i]!;
  let sum = 0;
  for (let i = start; i < end; i++) sum += Math.exp(values[i]! - max);
  return Math.exp(values[start + index]! - max) / sum;
}

/** How far a distribution's sum may stray from 1 (float32 rounding over many classes). */
export const DISTRIBUTION_TOLERANCE = 1e-3;

/** Whether values[start..end) already is a probability distribution: each in [0,1], summing to ~1. */
export function isDistribution(values: ArrayLike<number>, start: number, end: number, tolerance = DISTRIBUTION_TOLERANCE): boolean {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) <= tolerance;
}

/** The probability of entry `index`: softmax when asked, or under `auto` when the scores are not a distribution already. */
export function probabilityAt(values: ArrayLike<number>, start: number, end: number, index: number, softmax: boolean | "auto"): number {
  const apply = softmax === "auto" ? !isDistribution(values, start, end) : softmax;
  return apply ? softmaxAt(values, start, end, index) : values[start + index]!;
}

/** Rounded to `digits` significant digits, as a plain number (0.999987, 1.2e-7). */
export const roundSignificant = (value: number, digits = 6): number => (Number.isFinite(value) ? Number(value.toPrecision(digits)) : value);

/** The shortest decimal that reads back as the same float32 (0.1 rather than 0.10000000149011612). */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}
