import { invalid } from "../errors";

/** CSV field quoting (RFC 4180): quote when the value holds a comma, quote or line break. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const s = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Turns run() results into output lines. Objects become CSV rows under the header taken from the
 * first object's keys; arrays become CSV rows; strings and numbers are written as they are.
 */
export function formatRows(results: unknown[]): { lines: string; columns: string[] | null } {
  let columns: string[] | null = null;
  let out = "";
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (typeof r === "string") out += r.includes("\n") ? r.replace(/\r?\n/g, " ") : r;
    else if (typeof r === "number" || typeof r === "boolean") out += String(r);
    else if (Array.isArray(r)) out += r.map(csvField).join(",");
    else if (r !== null && typeof r === "object") {
      const obj = r as Record<string, unknown>;
      columns ??= Object.keys(obj);
      let line = "";
      for (let c = 0; c < columns.length; c++) line += (c ? "," : "") + csvField(obj[columns[c]!]);
      out += line;
    } else throw invalid(`run() result ${i} is ${r === null ? "null" : typeof r}: return strings, numbers, arrays or objects`);
    out += "\n";
  }
  return { lines: out, columns };
}
