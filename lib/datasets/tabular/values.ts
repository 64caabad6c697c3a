import type { TabularRow, TabularValue } from "./slice";

const NUMBER = /^[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A CSV field as a value: text that looks like a number becomes a number (not when it has leading
 * zeros such as "007", or is an integer too large to keep exactly); an empty unquoted field is
 * null, an empty quoted field ("") the empty string.
 */
export function csvValue(text: string, quoted: boolean): TabularValue {
  if (text === "") return quoted ? "" : null;
  const first = text.charCodeAt(0);
  // Cheap pre-check: numbers start with a digit, sign or dot.
  if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46) {
    if (NUMBER.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n) || /[.eE]/.test(text))) return n;
    }
  }
  return text;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;
}

/** A JSON or Parquet value as a table cell: nested values become JSON text, bytes base64. */
export function toTabularValue(value: unknown): TabularValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    default:
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
      return JSON.stringify(value, jsonReplacer) ?? null;
  }
}

/** Sets a row field safely, even for a column named "__proto__". */
export function setField(row: TabularRow, column: string, value: TabularValue): void {
  if (column === "__proto__") Object.defineProperty(row, column, { value, enumerable: true, writable: true, configurable: true });
  else row[column] = value;
}

/** Header names made usable: blanks become column_<i>, repeats get a suffix (a, a_1, a_2). */
export function uniqueColumnNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    const base = raw.trim() === "" ? `column_${i}` : raw;
    let name = base;
    for (let n = 1; seen.has(name); n++) name = `${base}_${n}`;
    seen.add(name);
    return name;
  });
}
