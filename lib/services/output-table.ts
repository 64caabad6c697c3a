import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { OutputPageJson } from "../contracts/run-insights";
import { splitCsvText } from "../datasets/tabular/csv-fields";
import type { Db } from "../db/client";
import { invalid } from "../errors";
import { outputFile } from "./run-files";

/**
 * Pages of an append_row output, sorted and filtered over the whole file on the server. The
 * parsed file is kept for the next page (a few files, by path and modification time); outputs
 * past MAX_TABLE_BYTES are refused with a sentence (download them instead).
 */

export const MAX_TABLE_BYTES = 256 * 1024 * 1024;
const MAX_LABELS = 200;
const IMAGE = /\.(png|jpe?g)$/i;
const LABEL = /^(label|prediction|predicted|class)$/i;

interface ParsedOutput {
  columns: string[];
  rows: string[][];
}

const cache = new Map<string, { mtimeMs: number; parsed: ParsedOutput }>();

async function readWhole(path: string, hasHeader: boolean): Promise<ParsedOutput> {
  const mtimeMs = statSync(path).mtimeMs;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.parsed;
  const rows: string[][] = [];
  const rl = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) if (line !== "") rows.push(splitCsvText(line));
  const header = hasHeader ? rows.shift() : undefined;
  const columns = header ?? (rows[0] ?? []).map((_, i) => `column ${i + 1}`);
  const parsed = { columns, rows };
  cache.set(path, { mtimeMs, parsed });
  while (cache.size > 4) cache.delete(cache.keys().next().value!);
  return parsed;
}

export interface PageQuery {
  step?: string;
  page?: number;
  pageSize?: number;
  sort?: string;
  order?: "asc" | "desc";
  /** Keep only rows whose label column has this value. */
  label?: string;
}

/** Numbers compare as numbers, everything else as text (numeric-aware): "10" after "9". */
export function compareCells(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.localeCompare(b, undefined, { numeric: true });
}

/** Sorts, filters and slices rows: the pure part of outputPage. */
export function pageRows(parsed: ParsedOutput, query: PageQuery) {
  const pageSize = Math.min(500, Math.max(1, query.pageSize ?? 50));
  const labelColumn = parsed.columns.find((c) => LABEL.test(c));
  const labelIndex = labelColumn ? parsed.columns.indexOf(labelColumn) : -1;
  if (query.label !== undefined && labelIndex < 0) throw invalid(`The output has no label column to filter by (columns: ${parsed.columns.join(", ")})`);
  let rows = query.label !== undefined ? parsed.rows.filter((r) => r[labelIndex] === query.label) : parsed.rows;
  const order = query.order ?? "asc";
  if (query.sort) {
    const index = parsed.columns.indexOf(query.sort);
    if (index < 0) throw invalid(`The output has no column '${query.sort}' to sort by (columns: ${parsed.columns.join(", ")})`);
    const sign = order === "desc" ? -1 : 1;
    rows = rows
      .map((row, i) => ({ row, i }))
      .sort((a, b) => sign * compareCells(a.row[index] ?? "", b.row[index] ?? "") || a.i - b.i)
      .map((x) => x.row);
  }
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const page = Math.min(Math.max(1, query.page ?? 1), pages);
  const labels = new Set<string>();
  if (labelIndex >= 0) for (const r of parsed.rows) if (labels.size < MAX_LABELS) labels.add(r[labelIndex] ?? "");
  const first = parsed.rows[0]?.[0] ?? "";
  return {
    columns: parsed.columns,
    rows: rows.slice((page - 1) * pageSize, page * pageSize),
    total: rows.length,
    fileRows: parsed.rows.length,
    page,
    pageSize,
    ...(query.sort ? { sort: query.sort } : {}),
    order,
    ...(labelColumn ? { labelColumn } : {}),
    labels: [...labels].sort(compareCells),
    ...(parsed.columns[0] ? { fileColumn: parsed.columns[0] } : {}),
    images: IMAGE.test(first),
  };
}

export async function outputPage(db: Db, runId: string, query: PageQuery): Promise<OutputPageJson> {
  const out = await outputFile(db, runId, query.step);
  if (out.size > MAX_TABLE_BYTES) {
    throw invalid(
      `The output of step '${out.step}' is ${Math.round(out.size / 1024 / 1024)} MB: the table shows outputs up to ${MAX_TABLE_BYTES / 1024 / 1024} MB; download it instead`,
    );
  }
  const parsed = await readWhole(out.path, out.hasHeader);
  return { step: out.step, fileName: out.fileName, ...pageRows(parsed, query) };
}

/** The rows of an output keyed by its first column (for comparing two runs). */
export async function outputByKey(db: Db, runId: string, step: string): Promise<{ columns: string[]; rows: Map<string, string[]> }> {
  const out = await outputFile(db, runId, step);
  if (out.size > MAX_TABLE_BYTES)
    throw invalid(`The output of step '${step}' of run ${runId} is too large to compare here (${Math.round(out.size / 1024 / 1024)} MB)`);
  const parsed = await readWhole(out.path, out.hasHeader);
  const rows = new Map<string, string[]>();
  for (const r of parsed.rows) rows.set(r[0] ?? "", r);
  return { columns: parsed.columns, rows };
}
