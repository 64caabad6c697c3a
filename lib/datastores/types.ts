import type { Readable } from "node:stream";

/** A file in a datastore. `path` is relative to the datastore root and '/' separated. */
export interface DatastoreEntry {
  path: string;
  size: number;
  /**
   * A change stamp the listing returns at no extra cost: a blob's ETag, a local file's modification
   * and change times. With the size it is the data's identity for allow_reuse: a file rewritten
   * with other content of the same size gets another stamp.
   */
  stamp?: string;
}

export type DatastoreKind = "local" | "azure-blob";

/** What opens a datastore: its kind, settings and secret (handed to worker processes as is). */
export interface DatastoreSpec {
  kind: DatastoreKind;
  config: unknown;
  secret?: unknown;
}

export interface ListOptions {
  signal?: AbortSignal;
}

/** One interface over every place data can live (a local folder, a blob container). */
export interface Datastore {
  readonly kind: DatastoreKind;
  /**
   * Streams entries matching a path, folder ("mnist/" or "mnist" = everything below) or glob
   * ("mnist/**\/*.png"), in a deterministic sorted order (UTF-8 byte order of the path, the order
   * blob storage lists in), without holding the listing in memory (paginated for blobs). A pattern
   * that matches nothing yields nothing: whether that is an error is the caller's decision.
   */
  list(pattern: string, options?: ListOptions): AsyncIterable<DatastoreEntry>;
  /** The entry for a file, or undefined when there is no such file (folders are not files). */
  stat(path: string): Promise<DatastoreEntry | undefined>;
  read(path: string): Promise<Buffer>;
  /** Bytes [start, end); shorter when the file ends first. */
  readRange(path: string, start: number, end: number): Promise<Buffer>;
  /** The file or the byte range [start, end) as a stream. */
  createReadStream(path: string, range?: { start: number; end: number }): NodeJS.ReadableStream | Readable;
  write(path: string, data: Buffer | string | Readable): Promise<void>;
  /**
   * Deletes every file under a folder (the datastore's own scratch space, such as the segment
   * objects agents write); the number of files removed. A folder that does not exist removes none.
   */
  removeFolder(folder: string): Promise<number>;
  /**
   * Local file paths for the given entries: a local datastore returns its own absolute paths (no
   * copy); a blob datastore downloads into cacheDir (parallel, bounded), keeping relative layout.
   */
  materialize(paths: string[], cacheDir: string): Promise<string[]>;
  /** Absolute local path when the datastore is a local folder, else undefined. */
  localPath(path: string): string | undefined;
}
