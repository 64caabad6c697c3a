import type { TabularValue } from "./slice";

/**
 * The one CSV module (RFC 4180 quoting): reading records of tabular datasets and run outputs,
 * writing run outputs, reports and tabular partitions.
 */

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

/** The fields of one line of text (no line break inside), quotes undone. */
export function splitCsvText(line: string, delimiter = ","): string[] {
  const bytes = Buffer.from(line, "utf8");
  return splitCsvRecord(bytes, 0, bytes.length, delimiter.charCodeAt(0)).map((f) => f.text);
}

/**
 * One field: quoted when it holds the delimiter, a quote or a line break; null and undefined are
 * empty; objects are written as JSON.
 */
export function csvField(value: unknown, delimiter = ","): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  const needsQuotes = text.includes(delimiter) || text.includes('"') || text.includes("\n") || text.includes("\r");
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line of fields, without its line break (run outputs, their header, attempt reports). */
export function csvLine(values: readonly unknown[], delimiter = ","): string {
  let line = "";
  for (let i = 0; i < values.length; i++) line += (i ? delimiter : "") + csvField(values[i], delimiter);
  return line;
}

/**
 * One CSV line (with '\n') for tabular values that reads back the same: null is an empty field,
 * "" a quoted empty string (only a one-column null row comes back as "").
 */
export function formatCsvRow(values: readonly TabularValue[], delimiter = ","): string {
  // A lone empty field would make a blank line, which readers skip: quote it.
  if (values.length === 1 && values[0] === null) return '""\n';
  let line = "";
  for (let i = 0; i < values.length; i++) line += (i ? delimiter : "") + (values[i] === "" ? '""' : csvField(values[i], delimiter));
  return `${line}\n`;
}
