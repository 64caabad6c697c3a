/**
 * A minimal Parquet writer for tests (no writer package is installed): flat schemas of INT64,
 * DOUBLE, BOOLEAN and UTF8 string columns, optional (nullable) or required, PLAIN encoding,
 * uncompressed, one data page (v1) per column chunk, any number of row groups.
 */

type ColumnType = "int64" | "double" | "boolean" | "string";
export interface ParquetColumn {
  name: string;
  type: ColumnType;
  optional?: boolean;
}
export type ParquetCell = number | bigint | boolean | string | null;

// Thrift compact protocol, just the parts the footer and page headers need.
class Thrift {
  bytes: number[] = [];
  private lastField: number[] = [0];
  varint(v: bigint): void {
    let n = v;
    while (n >= 0x80n) {
      this.bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.bytes.push(Number(n));
  }
  zigzag(v: number | bigint): void {
    const n = BigInt(v);
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }
  field(id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1] as number;
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }
  i32(id: number, v: number): void {
    this.field(id, 5);
    this.zigzag(v);
  }
  i64(id: number, v: number | bigint): void {
    this.field(id, 6);
    this.zigzag(v);
  }
  string(id: number, v: string): void {
    this.field(id, 8);
    const b = Buffer.from(v);
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  beginStruct(id?: number): void {
    if (id !== undefined) this.field(id, 12);
    this.lastField.push(0);
  }
  endStruct(): void {
    this.bytes.push(0);
    this.lastField.pop();
  }
  list(id: number, elemType: number, size: number): void {
    this.field(id, 9);
    if (size < 15) this.bytes.push((size << 4) | elemType);
    else {
      this.bytes.push(0xf0 | elemType);
      this.varint(BigInt(size));
    }
  }
  listString(v: string): void {
    const b = Buffer.from(v);
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
}

const PHYSICAL: Record<ColumnType, number> = { boolean: 0, int64: 2, double: 5, string: 6 };

function plainValues(type: ColumnType, values: ParquetCell[]): Buffer {
  if (type === "boolean") {
    const out = Buffer.alloc(Math.ceil(values.length / 8));
    values.forEach((v, i) => {
      if (v) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
    });
    return out;
  }
  const parts = values.map((v) => {
    if (type === "int64") {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(v as number | bigint));
      return b;
    }
    if (type === "double") {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(Number(v));
      return b;
    }
    const s = Buffer.from(String(v));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(s.length);
    return Buffer.concat([len, s]);
  });
  return Buffer.concat(parts);
}

/** Definition levels (0 = null, 1 = present) as RLE runs with bit width 1, length-prefixed. */
function definitionLevels(values: ParquetCell[]): Buffer {
  const runs: number[] = [];
  let i = 0;
  while (i < values.length) {
    const level = values[i] === null ? 0 : 1;
    let n = 0;
    while (i < values.length && (values[i] === null ? 0 : 1) === level) {
      n++;
      i++;
    }
    const t = new Thrift();
    t.varint(BigInt(n << 1));
    runs.push(...t.bytes, level);
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(runs.length);
  return Buffer.concat([len, Buffer.from(runs)]);
}

/** Builds a Parquet file; `rowGroups` is a list of row groups, each a list of rows (arrays in column order). */
export function writeParquet(columns: ParquetColumn[], rowGroups: ParquetCell[][][]): Buffer {
  const chunks: Buffer[] = [Buffer.from("PAR1")];
  let offset = 4;
  const groupsMeta: { rows: number; columns: { offset: number; size: number; values: number }[] }[] = [];
  for (const rows of rowGroups) {
    const columnsMeta: { offset: number; size: number; values: number }[] = [];
    columns.forEach((column, c) => {
      const cells = rows.map((r) => r[c] ?? null);
      const present = cells.filter((v) => v !== null);
      const body = Buffer.concat([column.optional ? definitionLevels(cells) : Buffer.alloc(0), plainValues(column.type, present)]);
      const header = new Thrift();
      header.beginStruct();
      header.i32(1, 0); // DATA_PAGE
      header.i32(2, body.length);
      header.i32(3, body.length);
      header.beginStruct(5);
      header.i32(1, cells.length);
      header.i32(2, 0); // PLAIN
      header.i32(3, 3); // RLE
      header.i32(4, 3);
      header.endStruct();
      header.endStruct();
      const page = Buffer.concat([Buffer.from(header.bytes), body]);
      columnsMeta.push({ offset, size: page.length, values: cells.length });
      chunks.push(page);
      offset += page.length;
    });
    groupsMeta.push({ rows: rows.length, columns: columnsMeta });
  }

  const f = new Thrift();
  f.beginStruct();
  f.i32(1, 1);
  f.list(2, 12, columns.length + 1);
  f.beginStruct();
  f.string(4, "schema");
  f.i32(5, columns.length);
  f.endStruct();
  for (const column of columns) {
    f.beginStruct();
    f.i32(1, PHYSICAL[column.type]);
    f.i32(3, column.optional ? 1 : 0);
    f.string(4, column.name);
    if (column.type === "string") f.i32(6, 0); // UTF8
    f.endStruct();
  }
  f.i64(
    3,
    groupsMeta.reduce((n, g) => n + g.rows, 0),
  );
  f.list(4, 12, groupsMeta.length);
  for (const group of groupsMeta) {
    f.beginStruct();
    f.list(1, 12, group.columns.length);
    group.columns.forEach((chunk, c) => {
      const column = columns[c] as ParquetColumn;
      f.beginStruct();
      f.i64(2, chunk.offset);
      f.beginStruct(3);
      f.i32(1, PHYSICAL[column.type]);
      f.list(2, 5, 2);
      f.zigzag(0);
      f.zigzag(3);
      f.list(3, 8, 1);
      f.listString(column.name);
      f.i32(4, 0); // UNCOMPRESSED
      f.i64(5, chunk.values);
      f.i64(6, chunk.size);
      f.i64(7, chunk.size);
      f.i64(9, chunk.offset);
      f.endStruct();
      f.endStruct();
    });
    f.i64(
      2,
      group.columns.reduce((n, c) => n + c.size, 0),
    );
    f.i64(3, group.rows);
    f.endStruct();
  }
  f.string(6, "prs parquet test writer");
  f.endStruct();
  const footer = Buffer.from(f.bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  chunks.push(footer, length, Buffer.from("PAR1"));
  return Buffer.concat(chunks);
}
