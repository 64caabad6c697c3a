import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Datastore } from "../../../lib/datastores/types";
import { LocalDatastore } from "../../../lib/datastores/local";
import { formatCsvRow } from "../../../lib/datasets/tabular/csv-fields";
import type { TabularOptions } from "../../../lib/datasets/tabular/options";
import { readSlice } from "../../../lib/datasets/tabular/read";
import type { BadRow, TabularRow, TabularSlice } from "../../../lib/datasets/tabular/slice";

import { seeded } from "../../support/random";

export { seeded };

export async function makeStore(files: Record<string, string | Buffer> = {}): Promise<{ ds: LocalDatastore; root: string; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "prs-plan-"));
  const ds = new LocalDatastore(root);
  for (const [path, content] of Object.entries(files)) await ds.write(path, content);
  return { ds, root, remove: () => rm(root, { recursive: true, force: true }) };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Rows with awkward text (delimiters, quotes, newlines) and the CSV file holding them. */
export function awkwardCsv(count: number, seed = 1): { rows: TabularRow[]; csv: string } {
  const random = seeded(seed);
  const words = ["plain", "with, comma", 'say "hi"', "two\nlines", "three\r\nline\nbreaks", "", "ünïcödé ✓", "x"];
  const rows: TabularRow[] = [];
  let csv = formatCsvRow(["id", "text", "value"]);
  for (let i = 0; i < count; i++) {
    const row = { id: i, text: words[Math.floor(random() * words.length)] as string, value: Math.round(random() * 1e6) / 100 };
    rows.push(row);
    csv += formatCsvRow([row.id, row.text, row.value]);
  }
  return { rows, csv };
}

/** Reads every slice and merges rows and bad rows in slice order. */
export async function readSlices(ds: Datastore, slices: TabularSlice[], options: TabularOptions): Promise<{ rows: TabularRow[]; badRows: BadRow[] }> {
  const rows: TabularRow[] = [];
  const badRows: BadRow[] = [];
  for (const slice of slices) {
    const part = await readSlice(ds, slice, options);
    assert(
      part.rows.length + part.badRows.length === slice.rowCount,
      `slice ${slice.path}[${slice.start},${slice.end}) holds ${slice.rowCount} rows, read ${part.rows.length + part.badRows.length}`,
    );
    rows.push(...part.rows);
    badRows.push(...part.badRows);
  }
  return { rows, badRows };
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The same datastore, but streams arrive in `size`-byte chunks (to exercise chunk boundaries). */
export function tinyChunks<T extends Datastore>(ds: T, size = 7): T {
  const chunked = Object.create(ds) as T;
  chunked.createReadStream = (path, range) => {
    const source = ds.createReadStream(path, range);
    return Readable.from(
      (async function* () {
        for await (const chunk of source) {
          const bytes = chunk as Buffer;
          for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
        }
      })(),
    );
  };
  return chunked;
}
