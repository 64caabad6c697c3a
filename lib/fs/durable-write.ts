import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { AppError } from "../errors";

/**
 * Writes that are complete or fail loudly. A full disk (ENOSPC), a quota (EDQUOT) or a read-only
 * file system (EROFS) must never leave a file that looks whole: every write call's count is
 * checked, files that others read by name are written to a temporary name, fsynced and renamed
 * only when whole, and errors become one sentence naming the file and the cause.
 */

/** A storage failure: retrying the same write will not help until someone frees space or fixes the folder. */
export class StorageError extends AppError {
  constructor(
    message: string,
    readonly errno: string | undefined,
  ) {
    super("unavailable", message);
  }
}

const STORAGE_CODES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO", "ENOENT", "ENOTDIR"]);

/** Whether an error (from this process's own fs calls or a script's) is one of the storage causes above. */
export function isStorageFailure(error: unknown): boolean {
  if (error instanceof StorageError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "EROFS";
}

/** The sentence for a folder that cannot take files, or undefined when the cause is not the folder's. */
function folderProblem(code: string | undefined, folder: string, cause: string): string | undefined {
  switch (code) {
    case "EROFS":
      return `${folder} is read-only (read-only file system)`;
    case "EACCES":
    case "EPERM":
      return `${folder} is not writable by this process (permission denied)`;
    case "ENOENT":
    case "ENOTDIR":
      return `${folder} does not exist and could not be created (${cause})`;
    default:
      return undefined;
  }
}

/**
 * The sentence for a failed write of `what` (a display name, e.g. `workspace/results/x.csv`);
 * `folder` names the folder for read-only and missing-folder causes ("output folder workspace/results").
 */
export function storageError(error: unknown, what: string, folder = `folder ${dirname(what)}`): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const cause = error instanceof Error ? error.message : String(error);
  if (code === "ENOSPC") return new StorageError(`no space left on device writing ${what}`, code);
  if (code === "EDQUOT") return new StorageError(`disk quota exceeded writing ${what}`, code);
  if (code === "EIO") return new StorageError(`disk error (EIO) writing ${what}`, code);
  const problem = folderProblem(code, folder, cause);
  if (problem) return new StorageError(`${problem}: cannot write ${what}`, code);
  return new StorageError(`cannot write ${what}: ${cause}`, STORAGE_CODES.has(code ?? "") ? code : undefined);
}

/** The sentence for a folder that cannot be created or written to (no file named). */
export function folderError(error: unknown, folder: string): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const cause = error instanceof Error ? error.message : String(error);
  const problem = folderProblem(code, folder, cause);
  if (problem) return new StorageError(problem, code);
  if (code === "ENOSPC" || code === "EDQUOT") return new StorageError(`no space left on device creating files in ${folder}`, code);
  return new StorageError(`${folder} cannot be written to: ${cause}`, code);
}

/** Writes all of `data` at the file's position (or `position`), looping over short writes. */
export function writeFully(fd: number, data: Buffer, offset = 0, length = data.length - offset, position?: number): void {
  let done = 0;
  while (done < length) {
    const n = writeSync(fd, data, offset + done, length - done, position === undefined ? null : position + done);
    // A write that makes no progress would loop forever: the device took nothing.
    if (n <= 0) throw Object.assign(new Error("short write: the device accepted no bytes"), { code: "ENOSPC" });
    done += n;
  }
}

/** fsync of a folder, so a rename or a new file in it survives a crash of the machine. */
export function fsyncFolder(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync of a file by name (written through a stream that did not keep its descriptor). */
export function fsyncFile(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates a folder (and its parents), with the cause in one sentence when it cannot be. */
export function ensureFolder(dir: string, display: string, role = "folder"): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const cause = realMkdirCause(dir, error);
    if (cause !== undefined) throw folderError(cause, `${role} ${display}`);
  }
}

/**
 * A recursive mkdir reports ENOENT for a folder it could not create on a read-only file system:
 * creating the first missing folder alone gives the real cause (EROFS, EACCES, ENOTDIR).
 */
function realMkdirCause(dir: string, error: unknown): unknown {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") return error;
  let missing = dir;
  while (dirname(missing) !== missing && !existsSync(dirname(missing))) missing = dirname(missing);
  try {
    mkdirSync(missing);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "EEXIST") return cause;
  }
  // A parent appeared or was removed meanwhile: one more try decides.
  try {
    mkdirSync(dir, { recursive: true });
    return undefined;
  } catch (again) {
    return again;
  }
}

/**
 * Checks a folder can take new files: creates it, then creates and removes a probe file (root
 * passes every permission check, so only a real write tells a read-only mount).
 */
export function ensureWritableFolder(dir: string, display: string, role = "folder"): void {
  ensureFolder(dir, display, role);
  const probe = join(dir, `.prs-write-probe-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    closeSync(openSync(probe, "wx"));
    rmSync(probe, { force: true });
  } catch (error) {
    throw folderError(error, `${role} ${display}`);
  }
}

/** The temporary name a file is written under before it is renamed into place. */
export function temporaryName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.partial`);
}

/**
 * Writes a file under a temporary name through `fill(fd)`, fsyncs it and renames it into place;
 * on any failure the temporary file is removed and the final name is left as it was.
 */
export function writeFileDurably<T>(file: string, display: string, fill: (fd: number) => T, role = "folder"): T {
  ensureFolder(dirname(file), dirname(display), role);
  const temp = temporaryName(file);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "w");
    const result = fill(fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
    fsyncFolder(dirname(file));
    return result;
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    rmSync(temp, { force: true });
    throw storageError(error, display, `${role} ${dirname(display)}`);
  }
}

/** Closes a file being abandoned: the error that made us abandon it is the one to report. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* reported through the original error */
  }
}

/** A whole small file (a report, a sentence) written durably. */
export function writeTextDurably(file: string, text: string, display = file): void {
  writeFileDurably(file, display, (fd) => writeFully(fd, Buffer.from(text, "utf8")));
}

/** Appends all of `text` to an open append-mode file, or throws a StorageError naming it. */
export function appendFully(fd: number, text: string, display: string): void {
  try {
    writeFully(fd, Buffer.from(text, "utf8"));
  } catch (error) {
    throw storageError(error, display);
  }
}
