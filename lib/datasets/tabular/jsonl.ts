import type { Datastore } from "../../datastores/types";
import { scanBuffer } from "./records";
import type { BadRow, ReadSliceResult, TabularRow, TabularSlice } from "./slice";
import { setField, toTabularValue } from "./values";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Column names of a JSON Lines record (the keys of its object), or [] when it is not an object. */
export function jsonlColumns(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) ? Object.keys(value) : [];
  } catch {
    return [];
  }
}

/**
 * Reads the rows of one JSON Lines slice. Columns are the slice's columns followed by any new keys
 * met in the slice; a row lacking a column gets null.
 */
export async function readJsonlSlice(ds: Datastore, slice: TabularSlice): Promise<ReadSliceResult> {
  const buffer = await ds.readRange(slice.path, slice.start, slice.end);
  const columns = [...slice.columns];
  const known = new Set(columns);
  const rows: TabularRow[] = [];
  const badRows: BadRow[] = [];
  let row = slice.firstRow;
  scanBuffer(buffer, slice.start, slice.firstLine, undefined, (start, end, line) => {
    const index = row++;
    let value: unknown;
    try {
      value = JSON.parse(buffer.toString("utf8", start - slice.start, end - slice.start));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      badRows.push({ row: index, reason: `file '${slice.path}' line ${line}: invalid JSON (${detail})` });
      return;
    }
    if (!isPlainObject(value)) {
      badRows.push({
        row: index,
        reason: `file '${slice.path}' line ${line}: expected a JSON object, found ${Array.isArray(value) ? "an array" : typeof value === "object" ? "null" : `a ${typeof value}`}`,
      });
      return;
    }
    const out: TabularRow = {};
    for (const key of Object.keys(value)) {
      if (!known.has(key)) {
        known.add(key);
        columns.push(key);
      }
      setField(out, key, toTabularValue(value[key]));
    }
    rows.push(out);
  });
  for (const out of rows) for (const column of columns) if (!Object.hasOwn(out, column)) setField(out, column, null);
  return { columns, rows, badRows };
}
