import type { TabularRow } from "../sdk/entry-script";

export type ParsedRow = { ok: true; values: number[] } | { ok: false; reason: string };

/**
 * The row's values of `columns` as numbers. Numbers pass as they are; strings must read as a
 * finite number; anything else (missing, empty, text, booleans) fails the row with a reason.
 */
export function parseRow(row: TabularRow, index: number, columns: string[]): ParsedRow {
  const values: number[] = [];
  for (const column of columns) {
    const value = row[column];
    if (value === undefined) return { ok: false, reason: `row ${index}: column '${column}' is missing` };
    if (typeof value === "number") {
      values.push(value);
      continue;
    }
    const text = value === null ? "" : String(value).trim();
    const number = typeof value === "string" && text !== "" ? Number(text) : Number.NaN;
    if (!Number.isFinite(number)) return { ok: false, reason: `row ${index}: column '${column}' is not a number: '${value === null ? "" : String(value)}'` };
    values.push(number);
  }
  return { ok: true, values };
}
