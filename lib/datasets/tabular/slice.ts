import { z } from "zod";

export type TabularValue = string | number | boolean | null;
export type TabularRow = Record<string, TabularValue>;

/** A row that could not be read: `row` is its 0-based data row index in the file. */
export interface BadRow {
  row: number;
  reason: string;
}

export interface ReadSliceResult {
  columns: string[];
  rows: TabularRow[];
  badRows: BadRow[];
}

const TabularValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * One tabular mini-batch: a part of one file. For CSV and JSON Lines, [start, end) is a byte range
 * that begins and ends at row boundaries; for Parquet it is a row range (`unit` says which).
 */
export const TabularSlice = z.object({
  path: z.string(),
  unit: z.enum(["bytes", "rows"]),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  /** Rows in the slice, including malformed ones (they are items that fail). */
  rowCount: z.number().int().nonnegative(),
  /** Column names, from the file's header (carried in every slice) or column_0, column_1, ... */
  columns: z.array(z.string()),
  /** 0-based index of the slice's first data row in the file (the header is not a row). */
  firstRow: z.number().int().nonnegative(),
  /** 1-based line number of the first row in the file (Parquet: firstRow + 1), for messages. */
  firstLine: z.number().int().positive(),
  /** partition_keys: the key values every row of this slice shares. */
  partition: z.record(z.string(), TabularValueSchema).optional(),
  /**
   * partition_keys: absolute path of the staged CSV file (with header) holding this group; the
   * slice is then read from that local file, not from the datastore.
   */
  localFile: z.string().optional(),
  /**
   * partition_keys: rows found malformed while grouping. Such a slice holds no readable rows;
   * readSlice reports these as its badRows so they count as failed items.
   */
  badRows: z.array(z.object({ row: z.number().int().nonnegative(), reason: z.string() })).optional(),
});
export type TabularSlice = z.infer<typeof TabularSlice>;
