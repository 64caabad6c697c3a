import type { TabularValue } from "./slice";

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export interface CsvField {
  text: string;
  quoted: boolean;
}

/**
 * Splits one CSV record (bytes [start, end) of `buffer`, trailing newline included or not) into
 * fields, undoing quoting. Lenient about malformed quoting: the scanner has already flagged it.
 */
export function splitCsvRecord(buffer: Buffer, start: number, end: number, delimiter: number): CsvField[] {
  if (end > start && buffer[end - 1] === LF) end--;
  if (end > start && buffer[end - 1] === CR) end--;
  const fields: CsvField[] = [];
  let i = start;
  for (;;) {
    if (i < end && buffer[i] === QUOTE) {
      let text = "";
      let segment = ++i;
      while (i < end) {
        if (buffer[i] === QUOTE) {
          if (i + 1 < end && buffer[i + 1] === QUOTE) {
            text += buffer.toString("utf8", segment, i + 1);
            i += 2;
            segment = i;
            continue;
          }
          break;
        }
        i++;
      }
      text += buffer.toString("utf8", segment, Math.min(i, end));
      i++;
      const tail = i;
      while (i < end && buffer[i] !== delimiter) i++;
      if (i > tail) text += buffer.toString("utf8", tail, i);
      fields.push({ text, quoted: true });
    } else {
      const s = i;
      while (i < end && buffer[i] !== delimiter) i++;
      fields.push({ text: buffer.toString("utf8", s, i), quoted: false });
    }
    if (i >= end) return fields;
    i++;
  }
}

/**
 * One CSV line (with '\n') for values; quotes where needed so the line reads back the same (null
 * is an empty field, "" an empty string; only a one-column null row comes back as "").
 */
export function formatCsvRow(values: readonly TabularValue[], delimiter = ","): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += delimiter;
    const value = values[i];
    // A lone empty field would make a blank line, which readers skip: quote it.
    if (value === null || value === undefined) {
      if (values.length === 1) line += '""';
      continue;
    }
    const text = String(value);
    const needsQuotes =
      typeof value === "string" && (text === "" || text.includes(delimiter) || text.includes('"') || text.includes("\n") || text.includes("\r"));
    line += needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
  }
  return `${line}\n`;
}
