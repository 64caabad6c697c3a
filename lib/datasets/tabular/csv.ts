import type { Datastore } from "../../datastores/types";
import { splitCsvRecord } from "./csv-fields";
import { csvRecordsMode, recordsResult, scanCsvRecords } from "./csv-records";
import { scanBuffer } from "./records";
import type { BadRow, ReadSliceResult, TabularRow, TabularSlice } from "./slice";
import { csvValue, setField } from "./values";

/**
 * Reads the rows of one CSV slice: only its byte range, which starts and ends on row boundaries.
 * In records mode (csv-records.ts) the rows stay bytes, found but not decoded.
 */
export async function readCsvSlice(ds: Datastore, slice: TabularSlice, delimiter: string): Promise<ReadSliceResult> {
  const buffer = await ds.readRange(slice.path, slice.start, slice.end);
  const delimiterCode = delimiter.charCodeAt(0);
  if (csvRecordsMode()) {
    const { records, badRows } = scanCsvRecords(buffer, slice, delimiterCode);
    return recordsResult(records, badRows);
  }
  const { columns } = slice;
  const rows: TabularRow[] = [];
  const badRows: BadRow[] = [];
  let row = slice.firstRow;
  scanBuffer(buffer, slice.start, slice.firstLine, delimiterCode, (start, end, line, error) => {
    const index = row++;
    if (error) {
      badRows.push({ row: index, reason: `file '${slice.path}' line ${line}: ${error}` });
      return;
    }
    const fields = splitCsvRecord(buffer, start - slice.start, end - slice.start, delimiterCode);
    if (fields.length !== columns.length) {
      badRows.push({ row: index, reason: `file '${slice.path}' line ${line}: expected ${columns.length} fields, found ${fields.length}` });
      return;
    }
    const out: TabularRow = {};
    for (let i = 0; i < columns.length; i++) {
      const field = fields[i] as { text: string; quoted: boolean };
      setField(out, columns[i] as string, csvValue(field.text, field.quoted));
    }
    rows.push(out);
  });
  return { columns, rows, badRows };
}
