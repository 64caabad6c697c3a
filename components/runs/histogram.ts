/** Equal-width bins over [min, max] of the values; a single value gets one bin. */
export interface Bin {
  from: number;
  to: number;
  count: number;
}

export function histogram(values: number[], binCount: number): Bin[] {
  if (!values.length) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === min) return [{ from: min, to: max, count: values.length }];
  const n = Math.max(1, Math.min(binCount, values.length));
  const width = (max - min) / n;
  const bins: Bin[] = Array.from({ length: n }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, count: 0 }));
  for (const v of values) bins[Math.min(n - 1, Math.floor((v - min) / width))]!.count++;
  return bins;
}
