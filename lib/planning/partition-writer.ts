import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatCsvRow } from "../datasets/tabular/csv-fields";
import type { TabularRow, TabularSlice, TabularValue } from "../datasets/tabular/slice";

interface Group {
  file: string;
  columns: string[];
  partition: Record<string, TabularValue>;
  headerBytes: number;
  bytes: number;
  rowCount: number;
  pending: string[];
  created: boolean;
}

/**
 * Writes rows to one CSV file (with header) per distinct key combination under workDir. Rows are
 * buffered and appended in bulk, so memory stays near `flushBytes` whatever the data size.
 */
export class PartitionWriter {
  private readonly groups = new Map<string, Group>();
  private pendingBytes = 0;

  constructor(
    private readonly workDir: string,
    private readonly keys: readonly string[],
    private readonly flushBytes = 8 * 1024 * 1024,
  ) {}

  async open(): Promise<void> {
    await mkdir(this.workDir, { recursive: true });
  }

  /** Adds a row; `columns` are its source's columns (the group keeps those of its first row). */
  async add(row: TabularRow, columns: readonly string[]): Promise<void> {
    const values = this.keys.map((key) => row[key] ?? null);
    const id = JSON.stringify(values);
    let group = this.groups.get(id);
    if (!group) {
      const header = formatCsvRow(columns);
      group = {
        file: `partition-${String(this.groups.size + 1).padStart(6, "0")}.csv`,
        columns: [...columns],
        partition: Object.fromEntries(this.keys.map((key, i) => [key, values[i] ?? null])),
        headerBytes: Buffer.byteLength(header),
        bytes: Buffer.byteLength(header),
        rowCount: 0,
        pending: [header],
        created: false,
      };
      this.groups.set(id, group);
      this.pendingBytes += group.bytes;
    }
    const line = formatCsvRow(group.columns.map((column) => row[column] ?? null));
    const size = Buffer.byteLength(line);
    group.pending.push(line);
    group.bytes += size;
    group.rowCount++;
    this.pendingBytes += size;
    if (this.pendingBytes >= this.flushBytes) await this.flush();
  }

  async flush(): Promise<void> {
    for (const group of this.groups.values()) {
      if (group.pending.length === 0) continue;
      await writeFile(join(this.workDir, group.file), group.pending.join(""), { flag: group.created ? "a" : "w" });
      group.created = true;
      group.pending = [];
    }
    this.pendingBytes = 0;
  }

  /** One slice per group, in order of first appearance (call after the last flush). */
  *slices(): Generator<TabularSlice> {
    for (const group of this.groups.values()) {
      yield {
        path: group.file,
        unit: "bytes",
        start: group.headerBytes,
        end: group.bytes,
        rowCount: group.rowCount,
        columns: group.columns,
        firstRow: 0,
        firstLine: 2,
        partition: group.partition,
        localFile: join(this.workDir, group.file),
      };
    }
  }
}
