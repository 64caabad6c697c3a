import { constants as fsConstants, type Dirent } from "node:fs";
import { lstat, open, readdir, realpath, stat, type FileHandle } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { pack as tarPack, type Pack } from "tar-stream";
import type { LogChunk, LogFileView } from "../contracts/run-api";
import type { Db } from "../db/client";
import { insideRoot } from "../datastores/local-walk";
import { invalid, notFound } from "../errors";
import { getRun } from "./runs";

/**
 * The step logs of a run, read for the browser: the list, one file's tail and the .tar.gz of all.
 * Only regular files whose real path stays inside the step's log folder are served (the rule of
 * local datastores): a symbolic link to /etc/passwd in a log folder is neither listed, read nor
 * archived.
 */

const MAX_LOG_CHUNK = 256 * 1024;
const MAX_LOG_PATH = 1024;

function stepLogDir(runDir: string, step: string): string {
  return join(runDir, step, "logs");
}

async function realDir(dir: string): Promise<string | undefined> {
  try {
    return await realpath(dir);
  } catch {
    return undefined;
  }
}

/** The real path of a regular file inside `realRoot`, or undefined (missing, a folder, a link out). */
async function regularInside(path: string, realRoot: string): Promise<{ real: string; size: number; mtime: Date } | undefined> {
  const real = await realpath(path).catch(() => undefined);
  if (!real || !insideRoot(real, realRoot)) return undefined;
  const st = await stat(real).catch(() => undefined);
  return st?.isFile() ? { real, size: st.size, mtime: st.mtime } : undefined;
}

/** Regular files below `dir` (links followed only to regular files inside `realRoot`; linked folders are not walked). */
async function walkLogs(dir: string, realRoot: string): Promise<{ path: string; real: string; size: number; mtime: Date }[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: { path: string; real: string; size: number; mtime: Date }[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walkLogs(path, realRoot)));
    else if (entry.isFile() || entry.isSymbolicLink()) {
      const file = await regularInside(path, realRoot);
      if (file) out.push({ path, ...file });
    }
  }
  return out;
}

async function stepLogs(runDir: string, step: string) {
  const dir = stepLogDir(runDir, step);
  const root = await realDir(dir);
  if (!root) return [];
  const files = await walkLogs(dir, root);
  return files.map((f) => ({ ...f, rel: relative(dir, f.path) })).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

export async function listLogFiles(db: Db, runId: string): Promise<LogFileView[]> {
  const run = await getRun(db, runId);
  const lists = await Promise.all(
    run.steps.map(async (s) => (await stepLogs(run.runDir, s.stepName)).map((f) => ({ step: s.stepName, path: f.rel, sizeBytes: f.size }))),
  );
  return lists.flat();
}

function checkLogPath(path: string): void {
  if (path.length > MAX_LOG_PATH) throw invalid(`Log path is ${path.length} characters long; at most ${MAX_LOG_PATH} are allowed`);
  // NUL would make the file system call throw; other control characters never appear in log names.
  if (/[\u0000-\u001f]/.test(path)) throw invalid("Log path contains control characters");
}

/** The log file `path` of `step`: a regular file inside the step's log folder, or a 400/404 saying why not. */
async function resolveLogFile(runDir: string, step: string, path: string) {
  checkLogPath(path);
  const dir = resolve(stepLogDir(runDir, step));
  const file = resolve(dir, path);
  if (!insideRoot(file, dir) || file === dir) throw invalid(`Log path '${path}' is outside the step's log folder`);
  const root = await realDir(dir);
  const link = await lstat(file).catch(() => undefined);
  if (!root || !link) throw notFound(`Log file '${path}' of step '${step}' does not exist`);
  if (link.isDirectory()) throw invalid(`Log path '${path}' is a folder: name a log file in it`);
  const found = await regularInside(file, root);
  if (!found) throw invalid(`Log path '${path}' is not a regular file inside the step's log folder (a link out of it, or a special file)`);
  return found;
}

/**
 * Part of one log file from `offset` (live tail asks again from `nextOffset`); without an offset
 * the last 256 KB. Only whole lines are returned.
 */
export async function readLogChunk(db: Db, runId: string, step: string, path: string, offset?: number): Promise<LogChunk> {
  const run = await getRun(db, runId);
  if (!run.steps.some((s) => s.stepName === step)) throw notFound(`Run ${runId} has no step '${step}'`);
  const file = await resolveLogFile(run.runDir, step, path);
  const handle = await openRegular(file.real);
  try {
    const size = (await handle.stat()).size;
    let start = offset ?? Math.max(0, size - MAX_LOG_CHUNK);
    if (start > size) start = 0; // the file was replaced
    const length = Math.min(MAX_LOG_CHUNK, size - start);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    let text = buffer.subarray(0, bytesRead).toString("utf8");
    const lastNewline = text.lastIndexOf("\n");
    text = lastNewline >= 0 ? text.slice(0, lastNewline + 1) : "";
    if (offset === undefined && start > 0) text = text.slice(text.indexOf("\n") + 1);
    return { text, offset: start, nextOffset: start + Buffer.byteLength(text), sizeBytes: size };
  } finally {
    await handle.close();
  }
}

/** Opens a resolved path without following a link swapped in after it was checked, and only if it is a regular file. */
async function openRegular(real: string): Promise<FileHandle> {
  const handle = await open(real, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw invalid(`'${real}' is not a regular file`);
  }
  return handle;
}

/**
 * Every log file of the run as .tar.gz (tar-stream: ustar, PAX headers for long or non-ASCII
 * names, each file's own mtime), streamed file by file. A file is archived with the size it had
 * when listed: a log still growing is cut there, one that shrank is padded, so the archive
 * stays well-formed.
 */
export async function logArchive(db: Db, runId: string): Promise<ReadableStream<Uint8Array>> {
  const run = await getRun(db, runId);
  const perStep = await Promise.all(
    run.steps.map(async (s) => (await stepLogs(run.runDir, s.stepName)).map((f) => ({ ...f, name: `${runId}/${s.stepName}/logs/${f.rel}` }))),
  );
  const pack = tarPack();
  const gzip = createGzip();
  pack.on("error", (error: Error) => gzip.destroy(error));
  // A cancelled download stops the reading of files too.
  gzip.once("close", () => pack.destroy());
  pack.pipe(gzip);
  void (async () => {
    for (const file of perStep.flat()) await addEntry(pack, file);
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  return Readable.toWeb(gzip) as ReadableStream<Uint8Array>;
}

async function addEntry(pack: Pack, file: { real: string; name: string; size: number; mtime: Date }): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await openRegular(file.real);
  } catch (error) {
    // Removed since it was listed (the run was deleted meanwhile): nothing of it was written yet.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    await new Promise<void>((resolveEntry, reject) => {
      const entry = pack.entry({ name: file.name, size: file.size, mtime: file.mtime, mode: 0o644, type: "file" }, (error) =>
        error ? reject(error) : resolveEntry(),
      );
      void writeExactly(handle, file.size, entry).catch((error: unknown) => {
        entry.destroy(error as Error);
        reject(error as Error);
      });
    });
  } finally {
    await handle.close();
  }
}

/** Writes exactly `size` bytes of the file into the entry (zero padding if it shrank), honouring backpressure. */
async function writeExactly(handle: FileHandle, size: number, entry: ReturnType<Pack["entry"]>): Promise<void> {
  let position = 0;
  while (position < size) {
    // Zero-filled: what a shrunken file no longer has stays zeros.
    const chunk = Buffer.alloc(Math.min(256 * 1024, size - position));
    await handle.read(chunk, 0, chunk.length, position);
    position += chunk.length;
    if (!entry.write(chunk)) await new Promise<void>((r) => entry.once("drain", () => r()));
  }
  entry.end(null); // streamx: end() without data
}
