import type { Db } from "../db/client";
import type { DatasetPreviewJson, DatasetPreviewRequest } from "../contracts/designer-api";
import { openNamedDatastore, type DatastoreAccess } from "../catalog/datastores";

const SHOWN_FILES = 20;
const COUNT_LIMIT = 100_000;
const HEAD_BYTES = 16 * 1024;
const SHOWN_ROWS = 10;

/** Lists what the paths match (stopping after COUNT_LIMIT) and reads the first rows of tabular text data. */
export async function previewDataset(db: Db, access: DatastoreAccess, req: DatasetPreviewRequest, signal?: AbortSignal): Promise<DatasetPreviewJson> {
  const { ds } = await openNamedDatastore(db, access, req.datastore);
  const files: { path: string; size: number }[] = [];
  let matched = 0;
  let more = false;
  outer: for (const pattern of req.paths) {
    for await (const entry of ds.list(pattern, { signal })) {
      if (matched >= COUNT_LIMIT) {
        more = true;
        break outer;
      }
      matched++;
      if (files.length < SHOWN_FILES) files.push({ path: entry.path, size: entry.size });
    }
  }
  const preview: DatasetPreviewJson = { files, matched, more };
  const first = files[0];
  if (req.kind === "tabular" && first && (req.format ?? "csv") !== "parquet") {
    const text = (await ds.readRange(first.path, 0, HEAD_BYTES)).toString("utf8");
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
    if (first.size > HEAD_BYTES) lines.pop();
    if ((req.format ?? "csv") === "jsonl") {
      const records = lines.slice(0, SHOWN_ROWS).flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
      const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
      return { ...preview, columns, rows: records.map((r) => columns.map((c) => (r[c] === undefined ? "" : String(r[c])))) };
    }
    const delimiter = req.delimiter === "\\t" || req.delimiter?.toLowerCase() === "tab" ? "\t" : (req.delimiter ?? ",");
    const split = (l: string) => l.split(delimiter).map((c) => c.replace(/^"(.*)"$/, "$1"));
    const header = req.header ?? true;
    const rows = lines.map(split);
    const columns = header ? (rows.shift() ?? []) : (rows[0] ?? []).map((_, i) => `column_${i}`);
    return { ...preview, columns, rows: rows.slice(0, SHOWN_ROWS) };
  }
  return preview;
}
