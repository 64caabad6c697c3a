import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDatastore } from "../../../lib/datastores/local";
import type { TabularOptions } from "../../../lib/datasets/tabular/options";
import { readSlice } from "../../../lib/datasets/tabular/read";
import type { ReadSliceResult } from "../../../lib/datasets/tabular/slice";
import { planTabular } from "../../../lib/planning/tabular";

/** A local datastore in a fresh temp folder holding the given files. */
export async function makeStore(files: Record<string, string | Buffer>): Promise<{ ds: LocalDatastore; root: string; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "prs-tab-"));
  const ds = new LocalDatastore(root);
  for (const [path, content] of Object.entries(files)) await ds.write(path, content);
  return { ds, root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** Plans one file with the given size and reads every slice, merging the results. */
export async function readAll(ds: LocalDatastore, path: string, options: TabularOptions, maxBytes = 1 << 30): Promise<ReadSliceResult & { slices: number }> {
  const entry = await ds.stat(path);
  if (!entry) throw new Error(`no ${path}`);
  const out: ReadSliceResult & { slices: number } = { columns: [], rows: [], badRows: [], slices: 0 };
  for await (const slice of planTabular(ds, [entry], options, maxBytes)) {
    const part = await readSlice(ds, slice, options);
    out.columns = part.columns;
    out.rows.push(...part.rows);
    out.badRows.push(...part.badRows);
    out.slices++;
  }
  return out;
}
