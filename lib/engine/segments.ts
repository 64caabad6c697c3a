import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
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

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, "a");
    this.position = fstatSync(this.fd).size;
  }

  append(meta: PartMeta, rows: string): RecordLocation {
    const body = Buffer.from(rows, "utf8");
    const header = Buffer.from(`${MAGIC}${JSON.stringify({ ...meta, bytes: body.length })}\n`, "utf8");
    const record = Buffer.concat([header, body]);
    let written = 0;
    while (written < record.length) written += writeSync(this.fd, record, written, record.length - written);
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
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".seg")).sort()) {
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
 */
export function mergeRecords(records: { location: RecordLocation; columns: string[] | null; rows: number }[], outFile: string): MergeResult {
  mkdirSync(dirname(outFile), { recursive: true });
  const out = openSync(`${outFile}.tmp`, "w");
  const fds = new Map<string, number>();
  let buffer = Buffer.alloc(1 << 20);
  let used = 0;
  let bytes = 0;
  let rows = 0;
  let columns: string[] | null = null;
  const flush = () => {
    if (used) bytes += writeSync(out, buffer, 0, used);
    used = 0;
  };
  const push = (chunk: Buffer) => {
    if (used + chunk.length > buffer.length) flush();
    if (chunk.length > buffer.length) buffer = Buffer.alloc(chunk.length);
    chunk.copy(buffer, used);
    used += chunk.length;
  };
  try {
    for (const r of records) {
      if (columns === null && r.columns) {
        columns = r.columns;
        push(Buffer.from(`${r.columns.join(",")}\n`));
      }
      let fd = fds.get(r.location.file);
      if (fd === undefined) {
        fd = openSync(r.location.file, "r");
        fds.set(r.location.file, fd);
      }
      if (used + r.location.length > buffer.length) flush();
      if (r.location.length > buffer.length) buffer = Buffer.alloc(r.location.length);
      readSync(fd, buffer, used, r.location.length, r.location.offset);
      used += r.location.length;
      rows += r.rows;
    }
    flush();
  } finally {
    closeSync(out);
    for (const fd of fds.values()) closeSync(fd);
  }
  renameSync(`${outFile}.tmp`, outFile);
  return { rows, columns, bytes };
}
