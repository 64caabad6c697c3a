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
    const head = await ds.readRange(first.path, 0, HEAD_BYTES);
    if (!looksLikeText(head)) {
      return {
        ...preview,
        note: `${first.path} is not text (${describeBinary(head)}): a tabular dataset reads CSV, TSV or JSON Lines files; use a file dataset for images and other binary files`,
      };
    }
    const text = head.toString("utf8");
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

/** Text has no NUL bytes and decodes as UTF-8 without replacement characters (a cut last character aside). */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, Math.max(0, bytes.length - 4)));
  return !text.includes("\uFFFD");
}

function describeBinary(bytes: Uint8Array): string {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "a PNG image";
  if (starts(0xff, 0xd8, 0xff)) return "a JPEG image";
  if (starts(0x50, 0x41, 0x52, 0x31)) return "a Parquet file: choose the parquet format";
  if (starts(0x1f, 0x8b)) return "gzip-compressed";
  return "binary data";
}
