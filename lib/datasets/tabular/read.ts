import { basename, dirname } from "node:path";
import { LocalDatastore } from "../../datastores/local";
import type { Datastore } from "../../datastores/types";
import { invalid } from "../../errors";
import { readCsvSlice } from "./csv";
import { readJsonlSlice } from "./jsonl";
import { TabularOptions, resolveTabularOptions } from "./options";
import { readParquetSlice } from "./parquet";
import { TabularSlice, type ReadSliceResult } from "./slice";

const describe = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
  error.issues.map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message)).join("; ");

/**
 * Reads one planned slice: the rows of its byte range (CSV, JSON Lines) or row range (Parquet).
 * Malformed rows are returned in badRows with a reason naming the file and line; the rest are rows.
 * A partition slice (with localFile) is read from its staged CSV file instead of the datastore.
 */
export async function readSlice(ds: Datastore, slice: TabularSlice, options: TabularOptions): Promise<ReadSliceResult> {
  const parsedSlice = TabularSlice.safeParse(slice);
  if (!parsedSlice.success) throw invalid(`tabular slice is not valid: ${describe(parsedSlice.error)}`);
  const parsedOptions = TabularOptions.safeParse(options);
  if (!parsedOptions.success) throw invalid(`tabular options are not valid: ${describe(parsedOptions.error)}`);
  const s = parsedSlice.data;

  if (s.badRows) return { columns: s.columns, rows: [], badRows: s.badRows };
  if (s.localFile) {
    const staged = new LocalDatastore(dirname(s.localFile));
    return readCsvSlice(staged, { ...s, path: basename(s.localFile) }, ",");
  }
  const resolved = resolveTabularOptions(parsedOptions.data);
  switch (resolved.format) {
    case "csv":
      if (s.unit !== "bytes") throw invalid(`slice of '${s.path}' is a row range, but CSV slices are byte ranges`);
      return readCsvSlice(ds, s, resolved.delimiter);
    case "jsonl":
      if (s.unit !== "bytes") throw invalid(`slice of '${s.path}' is a row range, but JSON Lines slices are byte ranges`);
      return readJsonlSlice(ds, s);
    case "parquet":
      if (s.unit !== "rows") throw invalid(`slice of '${s.path}' is a byte range, but Parquet slices are row ranges`);
      return readParquetSlice(ds, s);
  }
}
