import type { Datastore, DatastoreEntry } from "../datastores/types";
import { invalid } from "../errors";
import { TabularOptions, resolveTabularOptions, type ResolvedTabularOptions } from "../datasets/tabular/options";
import type { TabularSlice } from "../datasets/tabular/slice";
import { planParquetFile } from "./tabular-parquet";
import { planTextFile } from "./tabular-text";

/** Validates tabular options (they may come from JSON) and fills in defaults. */
export function checkTabularOptions(options: TabularOptions): ResolvedTabularOptions {
  const parsed = TabularOptions.safeParse(options);
  if (!parsed.success) {
    throw invalid(`tabular options are not valid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ")}`);
  }
  return resolveTabularOptions(parsed.data);
}

/** Plans one file (never spanning files) into slices of about maxBytes. */
export function planTabularFile(ds: Datastore, entry: DatastoreEntry, options: ResolvedTabularOptions, maxBytes: number): AsyncGenerator<TabularSlice> {
  if (options.format === "parquet") return planParquetFile(ds, entry, maxBytes);
  return planTextFile(ds, entry, { ...options, format: options.format }, maxBytes);
}
