import { createReadStream, createWriteStream, realpathSync } from "node:fs";
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomBytes } from "node:crypto";
import { AppError, invalid, notFound } from "../errors";
import { fsyncFile, fsyncFolder, isStorageFailure, storageError } from "../fs/durable-write";
import { insideRoot, localStamp, walkSorted } from "./local-walk";
import { checkRange, normalizeDatastorePath, quotePath } from "./paths";
import { compileListPattern, type ListPattern } from "./pattern";
import type { Datastore, DatastoreEntry, ListOptions } from "./types";

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function fileError(path: string, error: unknown): AppError {
  const code = errnoCode(error);
  if (code === "ENOENT" || code === "ENOTDIR") return notFound(`file ${quotePath(path)} not found in datastore`);
  if (code === "EISDIR") return invalid(`${quotePath(path)} is a folder, not a file`);
  if (error instanceof AppError) return error;
  return new AppError("unavailable", `cannot access ${quotePath(path)} in the local datastore (${code ?? String(error)})`);
}

/** A datastore over a folder on this machine. */
export class LocalDatastore implements Datastore {
  readonly kind = "local" as const;
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  localPath(path: string): string {
    return join(this.root, normalizeDatastorePath(path));
  }

  private resolvedRoot?: string;

  /** The root with its own links resolved (once it exists: it may be created after opening). */
  private realRoot(): string {
    if (this.resolvedRoot) return this.resolvedRoot;
    try {
      return (this.resolvedRoot = realpathSync(this.root));
    } catch {
      return this.root;
    }
  }

  /**
   * Refuses a path that leads out of the root through a symbolic link (a link to /etc, say). A
   * path that does not exist is judged by its nearest existing folder ("link/new.txt" is refused
   * too); its absence is left to the operation to report.
   */
  private contained(path: string, abs: string): string {
    let real: string | undefined;
    for (let probe = abs; real === undefined; ) {
      try {
        real = realpathSync(probe);
      } catch {
        const up = dirname(probe);
        if (probe === this.root || up === probe) return abs;
        probe = up;
      }
    }
    if (!insideRoot(real, this.realRoot())) {
      throw invalid(`path ${quotePath(path)} escapes the datastore root through a symbolic link`);
    }
    return abs;
  }

  async *list(pattern: string, options: ListOptions = {}): AsyncGenerator<DatastoreEntry> {
    const compiled = this.checkPattern(pattern);
    if (compiled.literal !== undefined) {
      const single = await this.stat(compiled.literal);
      if (single) {
        yield single;
        return;
      }
    }
    for await (const entry of walkSorted(this.root, compiled.baseDir, compiled.maxDepth, options.signal, this.realRoot())) {
      if (compiled.matches(entry.path)) yield entry;
    }
  }

  /**
   * Compiles a list() pattern and refuses one whose fixed folder part leads out of the root
   * through a symbolic link ("link/*" with link -> /etc): walking it would list outside names.
   */
  checkPattern(pattern: string): ListPattern {
    const compiled = compileListPattern(pattern);
    if (compiled.literal !== undefined) this.contained(pattern, join(this.root, compiled.literal));
    else if (compiled.baseDir !== "") this.contained(pattern, join(this.root, compiled.baseDir));
    return compiled;
  }

  async stat(path: string): Promise<DatastoreEntry | undefined> {
    const normalized = normalizeDatastorePath(path);
    try {
      const s = await stat(this.contained(normalized, join(this.root, normalized)));
      return s.isFile() ? { path: normalized, size: s.size, stamp: localStamp(s) } : undefined;
    } catch (error) {
      const code = errnoCode(error);
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw fileError(normalized, error);
    }
  }

  async read(path: string): Promise<Buffer> {
    const abs = this.contained(path, this.localPath(path));
    try {
      return await readFile(abs);
    } catch (error) {
      throw fileError(path, error);
    }
  }

  async readRange(path: string, start: number, end: number): Promise<Buffer> {
    checkRange(path, start, end);
    const abs = this.contained(path, this.localPath(path));
    let handle: FileHandle;
    try {
      handle = await open(abs, "r");
    } catch (error) {
      throw fileError(path, error);
    }
    try {
      const buffer = Buffer.allocUnsafe(end - start);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === buffer.length ? buffer : buffer.subarray(0, filled);
    } catch (error) {
      throw fileError(path, error);
    } finally {
      await handle.close();
    }
  }

  createReadStream(path: string, range?: { start: number; end: number }): Readable {
    const abs = this.contained(path, this.localPath(path));
    if (range) checkRange(path, range.start, range.end);
    if (range && range.end === range.start) return Readable.from([]);
    const source = createReadStream(abs, range ? { start: range.start, end: range.end - 1 } : {});
    const out = new PassThrough();
    source.on("error", (error) => out.destroy(fileError(path, error)));
    out.on("close", () => source.destroy());
    source.pipe(out);
    return out;
  }

  async write(path: string, data: Buffer | string | Readable): Promise<void> {
    const abs = this.localPath(path);
    const temp = `${abs}.${randomBytes(6).toString("hex")}.partial`;
    try {
      // Checked before mkdir too, so that no folder is created through a link out of the root.
      this.contained(path, abs);
      await mkdir(dirname(abs), { recursive: true });
      this.contained(path, abs);
      if (typeof data === "string" || Buffer.isBuffer(data)) await writeFile(temp, data);
      else await pipeline(data, createWriteStream(temp));
      // On disk before it gets its name: a crash never leaves an empty or partial file named so.
      fsyncFile(temp);
      await rename(temp, abs);
      fsyncFolder(dirname(abs));
    } catch (error) {
      await rm(temp, { force: true });
      throw isStorageFailure(error) || errnoCode(error) === "EACCES"
        ? storageError(error, quotePath(path), `folder ${quotePath(dirname(normalizeDatastorePath(path)))}`)
        : fileError(path, error);
    }
  }

  async removeFolder(folder: string): Promise<number> {
    // Throws for "" (never the whole datastore) and for paths out of the root.
    const normalized = normalizeDatastorePath(folder);
    const abs = this.contained(folder, this.localPath(folder));
    let count = 0;
    for await (const _ of this.list(`${normalized}/`)) count++;
    await rm(abs, { recursive: true, force: true });
    return count;
  }

  async materialize(paths: string[]): Promise<string[]> {
    return paths.map((p) => this.localPath(p));
  }
}
