import { cachedAsyncBuffer, parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type FileMetaData } from "hyparquet";
import type { Datastore } from "../../datastores/types";
import { invalid, notFound } from "../../errors";
import type { ReadSliceResult, TabularRow, TabularSlice } from "./slice";
import { setField, toTabularValue } from "./values";

/** A Parquet file in a datastore as hyparquet's random-access buffer (reads only what it needs). */
export function datastoreAsyncBuffer(ds: Datastore, path: string, size: number): AsyncBuffer {
  return cachedAsyncBuffer({
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await ds.readRange(path, start, end ?? size);
      const copy = new ArrayBuffer(bytes.length);
      new Uint8Array(copy).set(bytes);
      return copy;
    },
  });
}

export interface ParquetLayout {
  columns: string[];
  /** Rows and on-disk (compressed) bytes of each row group, in file order. */
  rowGroups: { rows: number; bytes: number }[];
  metadata: FileMetaData;
}

/** Reads a Parquet footer: column names and row group sizes. */
export async function parquetLayout(ds: Datastore, path: string, size: number): Promise<ParquetLayout> {
  const file = datastoreAsyncBuffer(ds, path, size);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalid(`file '${path}' is not a readable Parquet file (${detail})`);
  }
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const rowGroups = metadata.row_groups.map((group) => {
    const compressed = group.columns.reduce((sum, column) => sum + Number(column.meta_data?.total_compressed_size ?? 0), 0);
    return { rows: Number(group.num_rows), bytes: compressed || Number(group.total_byte_size) };
  });
  return { columns, rowGroups, metadata };
}

/** Reads rows [start, end) of a Parquet file; only the row groups holding them are fetched. */
export async function readParquetSlice(ds: Datastore, slice: TabularSlice): Promise<ReadSliceResult> {
  const entry = await ds.stat(slice.path);
  if (!entry) throw notFound(`file '${slice.path}' not found in datastore`);
  const { columns, metadata } = await parquetLayout(ds, slice.path, entry.size);
  const file = datastoreAsyncBuffer(ds, slice.path, entry.size);
  const objects = await parquetReadObjects({ file, metadata, rowStart: slice.start, rowEnd: slice.end });
  const rows = objects.map((object) => {
    const out: TabularRow = {};
    for (const column of columns) setField(out, column, toTabularValue(object[column]));
    return out;
  });
  return { columns, rows, badRows: [] };
}
