import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import type { DbProvider } from "../db/provider";
import type { Datastore, DatastoreEntry } from "../datastores/types";
import { invalid } from "../errors";
import { newId } from "../ids";
import { planFiles } from "../planning/files";
import { planPartitions, planTabular } from "../planning/tabular";
import type { ResolvedInput } from "./inputs";
import { insertMiniBatches, type NewMiniBatch } from "./persist";
import type { ItemsSpec } from "./protocol";

export interface PlannedBatch {
  items: ItemsSpec;
  itemCount: number;
}

export interface PlanResult {
  miniBatches: number;
  items: number;
  /** Hash of every listed path, size and change stamp: the data's identity for allow_reuse. */
  fingerprint: string;
}

const GLOB = /[*?[\]{}!]/;

/** Items text of mini-batches inserted in one statement, at most (about). */
const MAX_CHUNK_BYTES = 512 * 1024;

/** The folder an input's items are named relative to (ctx.relativePath, output rows). */
export function staticRoot(pattern: string, first?: DatastoreEntry): string {
  const glob = pattern.search(GLOB);
  if (glob >= 0) return pattern.slice(0, pattern.lastIndexOf("/", glob) + 1);
  if (pattern.endsWith("/")) return pattern;
  if (first && first.path === pattern) return pattern.slice(0, pattern.lastIndexOf("/") + 1);
  return `${pattern}/`;
}

/** What an entry adds to the fingerprint: path, size and change stamp (datastore listings return them). */
function fingerprintLine(e: DatastoreEntry): string {
  return `${e.path}\0${e.size}\0${e.stamp ?? ""}\n`;
}

/** The fingerprint planStep computes, from a listing alone (for the allow_reuse check). */
export async function fingerprintInputs(inputs: ResolvedInput[], open: (datastore: string) => Datastore): Promise<string> {
  const hash = createHash("sha256");
  for (const input of inputs) {
    for (const pattern of input.patterns) for await (const e of open(input.datastore).list(pattern)) hash.update(fingerprintLine(e));
  }
  return hash.digest("hex");
}

async function* fingerprinted(entries: AsyncIterable<DatastoreEntry>, hash: ReturnType<typeof createHash>, seen: { count: number; first?: DatastoreEntry }) {
  for await (const e of entries) {
    hash.update(fingerprintLine(e));
    if (seen.count === 0) seen.first = e;
    seen.count++;
    yield e;
  }
}

/**
 * Plans a step's inputs into mini-batches, streaming the listings (millions of files are never
 * held at once) and inserting one MiniBatch row per mini-batch in chunks. `onPlanned` gets each
 * chunk once it is stored; the listing goes on when the promise it returns settles.
 */
export async function planStep(
  db: Db,
  provider: DbProvider,
  stepRunId: string,
  inputs: ResolvedInput[],
  open: (datastore: string) => Datastore,
  miniBatchSize: number,
  partitionKeys: string[] | undefined,
  workDir: string,
  onPlanned?: (rows: NewMiniBatch[]) => void | Promise<void>,
): Promise<PlanResult> {
  const hash = createHash("sha256");
  let idx = 0;
  let items = 0;
  let rows: NewMiniBatch[] = [];
  let rowBytes = 0;
  let lastFlush = performance.now();
  const flush = async () => {
    if (rows.length === 0) return;
    await insertMiniBatches(db, provider, stepRunId, rows);
    const planned = rows;
    rows = [];
    rowBytes = 0;
    // The caller may hold the listing here (it waits while enough work is queued ahead).
    await onPlanned?.(planned);
    lastFlush = performance.now();
  };
  const add = async (batch: PlannedBatch) => {
    const json = JSON.stringify(batch.items);
    rows.push({ id: newId("mb"), idx: idx++, items: json, itemCount: batch.itemCount });
    rowBytes += json.length;
    items += batch.itemCount;
    // Large chunks for insert speed, but bounded in bytes: one insert's statement is copied by the
    // database driver into native memory that the allocator keeps, so a chunk of 2,000 mini-batches
    // of 1,000 paths each (40 MB) would raise the orchestrator's resident memory for good. The
    // first chunks go early, so that work starts at once.
    if (rows.length >= 2000 || rowBytes >= MAX_CHUNK_BYTES || (onPlanned && (rows.length === idx || performance.now() - lastFlush > 20))) await flush();
  };

  for (const input of inputs) {
    const ds = open(input.datastore);
    for (const pattern of input.patterns) {
      const seen: { count: number; first?: DatastoreEntry } = { count: 0 };
      const entries = fingerprinted(ds.list(pattern), hash, seen);
      if (input.kind === "file") {
        let root: string | undefined;
        for await (const paths of planFiles(entries, miniBatchSize)) {
          root ??= staticRoot(pattern, seen.first);
          const names = paths.map((p) => p.slice(root!.length));
          await add({ items: { kind: "files", datastore: input.datastore, root, names }, itemCount: paths.length });
        }
      } else {
        const options = input.options ?? { format: "csv" as const };
        const slices = partitionKeys?.length ? planPartitions(ds, entries, options, partitionKeys, workDir) : planTabular(ds, entries, options, miniBatchSize);
        for await (const slice of slices) {
          await add({ items: { kind: "tabular", datastore: input.datastore, options, slice }, itemCount: slice.rowCount });
        }
      }
      if (seen.count === 0) {
        throw invalid(`Input '${input.name}' matched no files: datastore '${input.datastore}' has nothing at '${pattern}'. Check the dataset's path.`);
      }
    }
  }
  await flush();
  return { miniBatches: idx, items, fingerprint: hash.digest("hex") };
}
