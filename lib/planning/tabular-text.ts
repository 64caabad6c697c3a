import type { Datastore, DatastoreEntry } from "../datastores/types";
import { invalid } from "../errors";
import { splitCsvRecord } from "../datasets/tabular/csv-fields";
import { jsonlColumns } from "../datasets/tabular/jsonl";
import type { ResolvedTabularOptions } from "../datasets/tabular/options";
import { delimiterByte } from "../datasets/tabular/record-scanner";
import { readFirstRecord, streamRecords } from "../datasets/tabular/records";
import type { TabularSlice } from "../datasets/tabular/slice";
import { uniqueColumnNames } from "../datasets/tabular/values";

const isBom = (b: Buffer) => b.length === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * Plans one CSV or JSON Lines file into byte-range slices of about `maxBytes`, cut only at row
 * boundaries (a slice ends at the first row end at or past maxBytes). Streams the file once; the
 * header is read first and its columns are carried in every slice.
 */
export async function* planTextFile(
  ds: Datastore,
  entry: DatastoreEntry,
  options: ResolvedTabularOptions & { format: "csv" | "jsonl" },
  maxBytes: number,
): AsyncGenerator<TabularSlice> {
  const { path, size } = entry;
  if (size === 0) return;
  const delimiter = delimiterByte(options.format, options.delimiter);
  let offset = isBom(await ds.readRange(path, 0, Math.min(3, size))) ? 3 : 0;
  let line = 1;

  const first = await readFirstRecord(ds, path, offset, size, line, delimiter);
  if (!first) return;
  let columns: string[];
  if (options.format === "jsonl") {
    columns = jsonlColumns(first.bytes.toString("utf8"));
  } else {
    const names = splitCsvRecord(first.bytes, 0, first.bytes.length, delimiter as number).map((f) => f.text);
    if (options.header) {
      if (first.error) throw invalid(`the header of file '${path}' (line ${first.line}) is malformed: ${first.error}`);
      columns = uniqueColumnNames(names);
      offset = first.end;
      line = first.line + countNewlines(first.bytes);
    } else {
      columns = names.map((_, i) => `column_${i}`);
    }
  }

  let sliceStart = 0;
  let sliceLine = 0;
  let rowCount = 0;
  let firstRow = 0;
  let lastEnd = 0;
  const cut = (): TabularSlice => {
    const slice: TabularSlice = { path, unit: "bytes", start: sliceStart, end: lastEnd, rowCount, columns, firstRow, firstLine: sliceLine };
    firstRow += rowCount;
    rowCount = 0;
    return slice;
  };
  for await (const batch of streamRecords(ds, path, offset, size, line, delimiter)) {
    const ready: TabularSlice[] = [];
    for (const record of batch) {
      if (rowCount === 0) {
        sliceStart = record.start;
        sliceLine = record.line;
      }
      rowCount++;
      lastEnd = record.end;
      if (lastEnd - sliceStart >= maxBytes) ready.push(cut());
    }
    yield* ready;
  }
  if (rowCount > 0) yield cut();
}
