import type { Datastore, DatastoreEntry } from "../datastores/types";
import { parquetLayout } from "../datasets/tabular/parquet";
import type { TabularSlice } from "../datasets/tabular/slice";

/**
 * Plans one Parquet file into row-range slices of about `maxBytes` on-disk bytes. Row groups are
 * combined while small and split into row ranges when larger than maxBytes (bytes per row are
 * estimated from each row group's compressed size). Reads only the footer.
 */
export async function* planParquetFile(ds: Datastore, entry: DatastoreEntry, maxBytes: number): AsyncGenerator<TabularSlice> {
  const { columns, rowGroups } = await parquetLayout(ds, entry.path, entry.size);
  let sliceStart = 0;
  let cursor = 0;
  let bytes = 0;
  const cut = (): TabularSlice => {
    const slice: TabularSlice = {
      path: entry.path,
      unit: "rows",
      start: sliceStart,
      end: cursor,
      rowCount: cursor - sliceStart,
      columns,
      firstRow: sliceStart,
      firstLine: sliceStart + 1,
    };
    sliceStart = cursor;
    bytes = 0;
    return slice;
  };
  for (const group of rowGroups) {
    const perRow = group.rows > 0 ? group.bytes / group.rows : 0;
    let left = group.rows;
    while (left > 0) {
      const take = perRow === 0 ? left : Math.min(left, Math.max(1, Math.ceil((maxBytes - bytes) / perRow)));
      left -= take;
      cursor += take;
      bytes += take * perRow;
      if (bytes >= maxBytes) yield cut();
    }
  }
  if (cursor > sliceStart) yield cut();
}
