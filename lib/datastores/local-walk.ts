import { statSync } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import type { Dirent } from "node:fs";
import { join, sep } from "node:path";
import { AppError } from "../errors";
import { compareUtf8 } from "./paths";
import type { DatastoreEntry } from "./types";

const STAT_BATCH = 256;

interface Child {
  name: string;
  /** Folders sort as "name/" so that a depth-first walk yields full paths in byte order. */
  key: string;
  isDir: boolean;
}

/**
 * A local file's change stamp, from the stat the listing makes anyway: its modification time
 * (content written) and change time (also set by a rename or by restoring the modification time,
 * and never settable by a program), each with sub-millisecond precision.
 */
export function localStamp(s: { mtimeMs: number; ctimeMs: number }): string {
  return `${s.mtimeMs}/${s.ctimeMs}`;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function unreadable(relDir: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "error";
  return new AppError("unavailable", `cannot read folder '${relDir || "."}' of the local datastore (${code})`);
}

/** Whether a resolved path is the (resolved) root or below it. */
export function insideRoot(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

async function sortedChildren(absDir: string, relDir: string, realRoot: string): Promise<Child[] | undefined> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(absDir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw unreadable(relDir, error);
  }
  const children: Child[] = [];
  for (const d of dirents) {
    let isDir = d.isDirectory();
    if (d.isSymbolicLink()) {
      // Follow links to files; links to folders are not walked (they could form cycles).
      const target = await stat(join(absDir, d.name)).catch(() => undefined);
      if (!target?.isFile()) continue;
      // ...that stay inside the datastore: a link out of it is not listed.
      const real = await realpath(join(absDir, d.name)).catch(() => "");
      if (!insideRoot(real, realRoot)) continue;
      isDir = false;
    } else if (!isDir && !d.isFile()) continue;
    children.push({ name: d.name, key: isDir ? `${d.name}/` : d.name, isDir });
  }
  children.sort((a, b) => compareUtf8(a.key, b.key));
  return children;
}

/**
 * Yields every file below `relDir` (at most `maxDepth` folder levels down) in UTF-8 byte order of
 * the full path. Holds one folder's names per level of the walk, never the whole tree; file sizes
 * are fetched in small parallel batches.
 */
export async function* walkSorted(root: string, relDir: string, maxDepth: number, signal?: AbortSignal, realRoot = root): AsyncGenerator<DatastoreEntry> {
  const absDir = relDir === "" ? root : join(root, relDir);
  const children = await sortedChildren(absDir, relDir, realRoot);
  if (!children) return;
  for (let i = 0; i < children.length; ) {
    signal?.throwIfAborted();
    const child = children[i] as Child;
    const childRel = relDir === "" ? child.name : `${relDir}/${child.name}`;
    if (child.isDir) {
      i++;
      if (maxDepth > 1) yield* walkSorted(root, childRel, maxDepth - 1, signal, realRoot);
      continue;
    }
    const batch: Child[] = [];
    while (i < children.length && batch.length < STAT_BATCH && !(children[i] as Child).isDir) batch.push(children[i++] as Child);
    // Synchronous stats in batches: a stat of a local file takes microseconds, and the promise
    // version costs far more in thread-pool hops than the call itself.
    const stats = batch.map((c) => statSync(join(absDir, c.name), { throwIfNoEntry: false }));
    for (let j = 0; j < batch.length; j++) {
      const s = stats[j];
      if (s === undefined) continue; // removed while listing
      yield { path: relDir === "" ? (batch[j] as Child).name : `${relDir}/${(batch[j] as Child).name}`, size: s.size, stamp: localStamp(s) };
    }
  }
}
