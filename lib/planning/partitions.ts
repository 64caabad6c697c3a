import type { Datastore, DatastoreEntry } from "../datastores/types";
import { invalid } from "../errors";
import type { TabularOptions } from "../datasets/tabular/options";
import { readSlice } from "../datasets/tabular/read";
import type { BadRow, TabularSlice } from "../datasets/tabular/slice";
import { PartitionWriter } from "./partition-writer";
import { checkTabularOptions, planTabularFile } from "./tabular-file";

export interface PartitionPlanOptions {
  /** Bytes of source data read at a time. */
  readBytes?: number;
  /** Buffered output bytes before writing to the group files. */
  flushBytes?: number;
  /** Malformed source rows per bad-rows slice. */
  badRowsPerSlice?: number;
}

/**
 * partition_keys (v2 semantics): one mini-batch per distinct combination of key values, over all
 * files. Reads every row once, appends it to a CSV file (with header) per group under workDir, and
 * yields one slice per group (`partition` = its key values, `localFile` = the staged file). Rows
 * that cannot be read are yielded as slices carrying `badRows`, so they still count as failed items.
 */
export async function* planPartitions(
  ds: Datastore,
  entries: AsyncIterable<DatastoreEntry> | DatastoreEntry[],
  options: TabularOptions,
  keys: string[],
  workDir: string,
  tuning: PartitionPlanOptions = {},
): AsyncGenerator<TabularSlice> {
  const resolved = checkTabularOptions(options);
  if (keys.length === 0) throw invalid("partition_keys is empty: name at least one column to group rows by");
  const duplicate = keys.find((key, i) => keys.indexOf(key) !== i);
  if (duplicate !== undefined) throw invalid(`partition key '${duplicate}' is listed twice`);

  const writer = new PartitionWriter(workDir, keys, tuning.flushBytes);
  await writer.open();
  const perBadSlice = tuning.badRowsPerSlice ?? 1000;
  let bad: { path: string; columns: string[]; rows: BadRow[] } | undefined;
  const badSlice = (): TabularSlice => {
    const b = bad as { path: string; columns: string[]; rows: BadRow[] };
    bad = undefined;
    const firstRow = b.rows[0]?.row ?? 0;
    return { path: b.path, unit: "bytes", start: 0, end: 0, rowCount: b.rows.length, columns: b.columns, firstRow, firstLine: 1, badRows: b.rows };
  };

  for await (const entry of entries) {
    let checked = false;
    for await (const slice of planTabularFile(ds, entry, resolved, tuning.readBytes ?? 16 * 1024 * 1024)) {
      const { columns, rows, badRows } = await readSlice(ds, slice, options);
      if (!checked) {
        const missing = keys.find((key) => !columns.includes(key));
        if (missing !== undefined) {
          throw invalid(`partition key '${missing}' is not a column of file '${entry.path}' (its columns: ${columns.join(", ") || "none"})`);
        }
        checked = true;
      }
      for (const row of rows) await writer.add(row, columns);
      for (const row of badRows) {
        if (bad && bad.path !== entry.path) yield badSlice();
        bad ??= { path: entry.path, columns, rows: [] };
        bad.rows.push(row);
        if (bad.rows.length >= perBadSlice) yield badSlice();
      }
    }
  }
  if (bad) yield badSlice();
  await writer.flush();
  yield* writer.slices();
}
