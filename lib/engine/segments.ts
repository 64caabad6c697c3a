import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readdirSync, readSync } from "node:fs";
import { dirname, join } from "node:path";
import { csvLine } from "../datasets/tabular/csv-fields";
import { ensureFolder, storageError, writeFileDurably, writeFully } from "../fs/durable-write";
import type { PartMeta } from "./protocol";

/**
 * Mini-batch outputs. Each worker process appends one record per finished mini-batch to its own
 * segment file: a header line `#PRS <json meta with byte length>` then the rows. A record is
 * complete when its bytes are all there, so a process killed mid-write leaves a torn tail that is
 * ignored. The final output takes exactly one complete record per mini-batch, in input order, so
 * retries and re-runs never duplicate rows. Creating a file per mini-batch would cost far more
 * (file creation is about a millisecond on common file systems; an append is microseconds).
 */
export interface RecordLocation {
  file: string;
  /** Offset of the rows (after the header line) and their length in bytes. */
  offset: number;
  length: number;
}

export interface SegmentRecord extends RecordLocation {
  meta: PartMeta;
}

const MAGIC = "#PRS ";

export class SegmentWriter {
  private readonly fd: number;
  private position: number;
  /** Set when a failed append left bytes that could not be cut off: no record may follow them. */
  private torn?: Error;

  constructor(readonly file: string) {
    ensureFolder(dirname(file), dirname(file), "segment folder");
    try {
      this.fd = openSync(file, "a");
      this.position = fstatSync(this.fd).size;
    } catch (error) {
      throw storageError(error, file, `segment folder ${dirname(file)}`);
    }
  }

  /**
   * Appends one record whole, or throws a StorageError (full disk...) after cutting the partial
   * record off again, so the records before it and after it (once there is room) stay readable.
   */
  append(meta: PartMeta, rows: string): RecordLocation {
    if (this.torn) throw this.torn;
    const body = Buffer.from(rows, "utf8");
    const header = Buffer.from(`${MAGIC}${JSON.stringify({ ...meta, bytes: body.length })}\n`, "utf8");
    const record = Buffer.concat([header, body]);
    try {
      writeFully(this.fd, record);
    } catch (error) {
      const failure = storageError(error, this.file, `segment folder ${dirname(this.file)}`);
      try {
        ftruncateSync(this.fd, this.position);
      } catch {
        this.torn = failure;
      }
      throw failure;
    }
    const location = { file: this.file, offset: this.position + header.length, length: body.length };
    this.position += record.length;
    return location;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Every complete record in a folder of segment files; for a mini-batch seen twice, the first. */
export function scanSegments(dir: string): Map<number, SegmentRecord> {
  const found = new Map<number, SegmentRecord>();
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".seg"))
    .sort()) {
    const file = join(dir, name);
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      let pos = 0;
      const head = Buffer.alloc(64 * 1024);
      while (pos < size) {
        const n = readSync(fd, head, 0, Math.min(head.length, size - pos), pos);
        const nl = head.indexOf(10);
        if (nl < 0 || nl >= n || head.toString("utf8", 0, MAGIC.length) !== MAGIC) break;
        let meta: PartMeta & { bytes: number };
        try {
          meta = JSON.parse(head.toString("utf8", MAGIC.length, nl)) as PartMeta & { bytes: number };
        } catch {
          break;
        }
        const offset = pos + nl + 1;
        if (offset + meta.bytes > size) break; // torn tail: the process died while writing
        if (!found.has(meta.idx)) found.set(meta.idx, { file, offset, length: meta.bytes, meta });
        pos = offset + meta.bytes;
      }
    } finally {
      closeSync(fd);
    }
  }
  return found;
}

export interface MergeResult {
  rows: number;
  columns: string[] | null;
  bytes: number;
}

/**
 * Writes the append_row file: the records of `indexes` in that order, with a CSV header when the
 * rows are structured. Streams through a bounded buffer, so outputs of any size fit in memory.
 * The file is written under a temporary name, fsynced and renamed only when whole: a full disk
 * throws a StorageError naming `display` and never leaves a truncated file under the final name.
 */
export function mergeRecords(records: { location: RecordLocation; columns: string[] | null; rows: number }[], outFile: string, display = outFile): MergeResult {
  return writeFileDurably(outFile, display, (out) => copyRecords(records, out), "output folder");
}

function copyRecords(records: { location: RecordLocation; columns: string[] | null; rows: number }[], out: number): MergeResult {
  const fds = new Map<string, number>();
  let buffer = Buffer.alloc(1 << 20);
  let used = 0;
  let bytes = 0;
  let rows = 0;
  let columns: string[] | null = null;
  const flush = () => {
    writeFully(out, buffer, 0, used);
    bytes += used;
    used = 0;
  };
  const reserve = (length: number) => {
    if (used + length > buffer.length) flush();
    if (length > buffer.length) buffer = Buffer.alloc(length);
  };
  try {
    for (const r of records) {
      if (columns === null && r.columns) {
        columns = r.columns;
        const header = Buffer.from(`${csvLine(r.columns)}\n`);
        reserve(header.length);
        used += header.copy(buffer, used);
      }
      let fd = fds.get(r.location.file);
      if (fd === undefined) {
        fd = openSync(r.location.file, "r");
        fds.set(r.location.file, fd);
      }
      reserve(r.location.length);
      readFully(fd, buffer, used, r.location.length, r.location.offset, r.location.file);
      used += r.location.length;
      rows += r.rows;
    }
    flush();
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  return { rows, columns, bytes };
}

/** Reads exactly `length` bytes: a segment file shorter than its index says is an error, not a short output. */
function readFully(fd: number, buffer: Buffer, offset: number, length: number, position: number, file: string): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, offset + done, length - done, position + done);
    if (n === 0) throw new Error(`segment file ${file} ends before the record at byte ${position} (${length} bytes): it was truncated after it was written`);
    done += n;
  }
}
