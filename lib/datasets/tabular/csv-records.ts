import { splitCsvRecord } from "./csv-fields";
import { scanBuffer } from "./records";
import type { BadRow, ReadSliceResult, TabularRow, TabularSlice } from "./slice";
import { csvValue, setField } from "./values";

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The rows of one CSV slice left as bytes: where each record and each of its fields lies in the
 * slice's buffer, nothing decoded. A consumer that only needs numbers and the line itself (the
 * tabular scorer) reads them straight from here instead of from one object per row.
 */
export interface CsvRecords {
  /** The slice's bytes. */
  buffer: Buffer;
  path: string;
  delimiter: number;
  columns: string[];
  /** Readable records (malformed ones are in the read's badRows). */
  count: number;
  /** Record i is bytes [starts[i], ends[i]) of buffer, without its line break. */
  starts: Int32Array;
  ends: Int32Array;
  /** 1-based line of record i in the file, and its 0-based data row. */
  lines: Int32Array;
  rows: Int32Array;
  /**
   * For a record without quotes, field k of record i is [bounds[i*(C+1)+k], bounds[i*(C+1)+k+1]-1)
   * (C = columns.length). A record with a quote (quoted[i] = 1) has no bounds: split it with
   * splitCsvRecord.
   */
  bounds: Int32Array;
  quoted: Uint8Array;
  /** Every byte of the slice is ASCII: byte offsets are also character offsets of a latin1 decoding. */
  ascii: boolean;
}

/** Where a batch read in records mode keeps its records (on the rows array, under a shared symbol). */
export const CSV_RECORDS: unique symbol = Symbol.for("prs.tabular.csvRecords") as never;
const RECORDS_MODE = Symbol.for("prs.tabular.csvRecordsMode");

/**
 * Records mode, for the process: CSV slices are read as CsvRecords attached to an array of
 * `count` empty slots instead of one object per row. Only a consumer that reads the records (the
 * built-in tabular scorer, which runs alone in its process) may switch it on. A process-wide
 * switch held on globalThis, so that the worker's reader and the scorer's bundle see the same one.
 */
export function setCsvRecordsMode(on: boolean): void {
  (globalThis as Record<symbol, unknown>)[RECORDS_MODE] = on;
}

export function csvRecordsMode(): boolean {
  return (globalThis as Record<symbol, unknown>)[RECORDS_MODE] === true;
}

/** The records a batch was read as, when it was read in records mode. */
export function csvRecordsOf(batch: unknown): CsvRecords | undefined {
  return Array.isArray(batch) ? ((batch as unknown as Record<symbol, unknown>)[CSV_RECORDS] as CsvRecords | undefined) : undefined;
}

/**
 * Finds the records of one CSV slice (the same boundaries, bad rows and reasons as the object
 * reader) and the fields of each, without decoding any text.
 */
export function scanCsvRecords(buffer: Buffer, slice: TabularSlice, delimiterCode: number): { records: CsvRecords; badRows: BadRow[] } {
  const { columns } = slice;
  const width = columns.length + 1;
  let capacity = Math.max(16, slice.rowCount);
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
  let lines = new Int32Array(capacity);
  let rows = new Int32Array(capacity);
  let quoted = new Uint8Array(capacity);
  let bounds = new Int32Array(capacity * width);
  const grow = () => {
    capacity *= 2;
    const more = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    starts = more(starts);
    ends = more(ends);
    lines = more(lines);
    rows = more(rows);
    quoted = more(quoted);
    bounds = more(bounds);
  };
  const badRows: BadRow[] = [];
  let count = 0;
  let row = slice.firstRow;
  let ascii = true;
  const base = slice.start;
  scanBuffer(buffer, base, slice.firstLine, delimiterCode, (absStart, absEnd, line, error) => {
    const index = row++;
    if (error) {
      badRows.push({ row: index, reason: `file '${slice.path}' line ${line}: ${error}` });
      return;
    }
    const start = absStart - base;
    let end = absEnd - base;
    if (end > start && buffer[end - 1] === LF) end--;
    if (end > start && buffer[end - 1] === CR) end--;
    if (count === capacity) grow();
    const at = count * width;
    bounds[at] = start;
    let fields = 1;
    let hasQuote = false;
    for (let i = start; i < end; i++) {
      const b = buffer[i] as number;
      if (b === delimiterCode) {
        if (fields < width) bounds[at + fields] = i + 1;
        fields++;
      } else if (b === QUOTE) hasQuote = true;
      else if (b >= 0x80) ascii = false;
    }
    if (hasQuote) fields = splitCsvRecord(buffer, start, end, delimiterCode).length;
    else if (fields === columns.length) bounds[at + fields] = end + 1;
    if (fields !== columns.length) {
      badRows.push({ row: index, reason: `file '${slice.path}' line ${line}: expected ${columns.length} fields, found ${fields}` });
      return;
    }
    starts[count] = start;
    ends[count] = end;
    lines[count] = line;
    rows[count] = index;
    quoted[count] = hasQuote ? 1 : 0;
    count++;
  });
  return { records: { buffer, path: slice.path, delimiter: delimiterCode, columns, count, starts, ends, lines, rows, bounds, quoted, ascii }, badRows };
}

/** Record i's fields as text, quotes undone, with whether each was quoted. */
export function recordFields(records: CsvRecords, i: number): { text: string; quoted: boolean }[] {
  const { buffer, starts, ends, delimiter, quoted, bounds, columns } = records;
  if (quoted[i]) return splitCsvRecord(buffer, starts[i]!, ends[i]!, delimiter);
  const width = columns.length + 1;
  const out: { text: string; quoted: boolean }[] = [];
  for (let k = 0; k < columns.length; k++) out.push({ text: buffer.toString("utf8", bounds[i * width + k]!, bounds[i * width + k + 1]! - 1), quoted: false });
  return out;
}

/** Record i as the object the row reader makes of it. */
export function recordRow(records: CsvRecords, i: number): TabularRow {
  const fields = recordFields(records, i);
  const out: TabularRow = {};
  for (let k = 0; k < records.columns.length; k++) setField(out, records.columns[k]!, csvValue(fields[k]!.text, fields[k]!.quoted));
  return out;
}

/** The read's result in records mode: `count` empty slots carrying the records. */
export function recordsResult(records: CsvRecords, badRows: BadRow[]): ReadSliceResult {
  const rows = new Array<TabularRow>(records.count);
  Object.defineProperty(rows, CSV_RECORDS, { value: records, enumerable: false });
  return { columns: records.columns, rows, badRows };
}
