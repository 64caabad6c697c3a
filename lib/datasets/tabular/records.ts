import type { Datastore } from "../../datastores/types";
import { RecordScanner, UNTERMINATED_QUOTE, type RecordSink, type Unterminated } from "./record-scanner";

export interface ScannedRecord {
  start: number;
  end: number;
  line: number;
  error: string | undefined;
}

/**
 * Scans records in a buffer holding bytes from absolute offset `base`. A quoted field left open
 * at the end (or closed badly after spanning lines) becomes one bad record (its first line) and
 * scanning resumes on the next line, so one stray quote costs one row, not the rest of the file.
 */
export function scanBuffer(buffer: Uint8Array, base: number, firstLine: number, delimiter: number | undefined, sink: RecordSink): void {
  const end = base + buffer.length;
  let from = base;
  let line = firstLine;
  for (;;) {
    const scanner = new RecordScanner(delimiter, from, line, sink);
    const open = scanner.push(buffer.subarray(from - base), from) ?? scanner.finish(end);
    if (!open) return;
    sink(open.start, open.resumeAt, open.line, UNTERMINATED_QUOTE);
    if (open.resumeAt >= end) return;
    from = open.resumeAt;
    line = open.line + 1;
  }
}

/**
 * Streams the records of bytes [from, size) of a file, one batch per chunk read, without holding
 * the file. Recovers from an open quote like scanBuffer (re-reading from the record's next line).
 */
export async function* streamRecords(
  ds: Datastore,
  path: string,
  from: number,
  size: number,
  firstLine: number,
  delimiter: number | undefined,
): AsyncGenerator<ScannedRecord[]> {
  let start = from;
  let line = firstLine;
  while (start < size) {
    let batch: ScannedRecord[] = [];
    const scanner = new RecordScanner(delimiter, start, line, (s, e, l, error) => batch.push({ start: s, end: e, line: l, error }));
    let offset = start;
    let open: Unterminated | undefined;
    for await (const chunk of ds.createReadStream(path, { start, end: size })) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      open = scanner.push(bytes, offset);
      offset += bytes.length;
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
      if (open) break; // leaving the loop closes the stream; reading restarts at open.resumeAt
    }
    open ??= scanner.finish(offset);
    if (batch.length > 0) yield batch;
    if (!open) return;
    yield [{ start: open.start, end: open.resumeAt, line: open.line, error: UNTERMINATED_QUOTE }];
    start = open.resumeAt;
    line = open.line + 1;
  }
}

export interface FirstRecord extends ScannedRecord {
  bytes: Buffer;
}

/** The first record at or after `from`, read in growing windows (a header never needs the whole file). */
export async function readFirstRecord(
  ds: Datastore,
  path: string,
  from: number,
  size: number,
  firstLine: number,
  delimiter: number | undefined,
): Promise<FirstRecord | undefined> {
  for (let window = 64 * 1024; ; window *= 4) {
    const stop = Math.min(size, from + window);
    const buffer = await ds.readRange(path, from, stop);
    let found: ScannedRecord | undefined;
    const scanner = new RecordScanner(delimiter, from, firstLine, (start, end, line, error) => {
      found ??= { start, end, line, error };
    });
    const atEnd = from + buffer.length >= size || buffer.length < stop - from;
    const open = scanner.push(buffer, from) ?? (!found && atEnd ? scanner.finish(from + buffer.length) : undefined);
    if (!found && open) found = { start: open.start, end: open.resumeAt, line: open.line, error: UNTERMINATED_QUOTE };
    if (found) {
      const record: ScannedRecord = found;
      return { ...record, bytes: buffer.subarray(record.start - from, record.end - from) };
    }
    if (atEnd) return undefined;
  }
}
