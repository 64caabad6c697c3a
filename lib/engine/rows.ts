import { csvLine } from "../datasets/tabular/csv-fields";
import { invalid } from "../errors";

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
    else if (Array.isArray(r)) out += csvLine(r);
    else if (r !== null && typeof r === "object") {
      const obj = r as Record<string, unknown>;
      const header = (columns ??= Object.keys(obj));
      out += csvLine(header.map((column) => obj[column]));
    } else throw invalid(`run() result ${i} is ${r === null ? "null" : typeof r}: return strings, numbers, arrays or objects`);
    out += "\n";
  }
  return { lines: out, columns };
}
