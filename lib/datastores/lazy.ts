import type { Readable } from "node:stream";
import { PassThrough } from "node:stream";
import type { Datastore, DatastoreEntry, ListOptions } from "./types";

/**
 * A datastore whose implementation is loaded on first use, so processes that only read local
 * folders never load a cloud SDK.
 */
export class LazyDatastore implements Datastore {
  private loaded?: Promise<Datastore>;

  constructor(
    readonly kind: Datastore["kind"],
    private readonly load: () => Promise<Datastore>,
  ) {}

  private get ds(): Promise<Datastore> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  async *list(pattern: string, options?: ListOptions): AsyncIterable<DatastoreEntry> {
    yield* (await this.ds).list(pattern, options);
  }

  async stat(path: string) {
    return (await this.ds).stat(path);
  }

  async read(path: string) {
    return (await this.ds).read(path);
  }

  async readRange(path: string, start: number, end: number) {
    return (await this.ds).readRange(path, start, end);
  }

  createReadStream(path: string, range?: { start: number; end: number }): Readable {
    const out = new PassThrough();
    this.ds.then(
      (ds) => {
        const source = ds.createReadStream(path, range) as Readable;
        source.on("error", (error) => out.destroy(error));
        source.pipe(out);
      },
      (error: Error) => out.destroy(error),
    );
    return out;
  }

  async write(path: string, data: Buffer | string | Readable) {
    return (await this.ds).write(path, data);
  }

  async removeFolder(folder: string) {
    return (await this.ds).removeFolder(folder);
  }

  async materialize(paths: string[], cacheDir: string) {
    return (await this.ds).materialize(paths, cacheDir);
  }

  localPath(): string | undefined {
    return undefined;
  }
}
