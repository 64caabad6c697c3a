import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomBytes } from "node:crypto";
import { RestError, type ContainerClient } from "@azure/storage-blob";
import { AppError, notFound } from "../errors";
import { mapLimit } from "./concurrency";
import { checkRange, normalizeDatastorePath, quotePath } from "./paths";
import { compileListPattern } from "./pattern";
import { redactSecrets } from "./redact";
import type { Datastore, DatastoreEntry, ListOptions } from "./types";

export interface AzureBlobDatastoreOptions {
  /** Blobs per listing request (the service allows up to 5000). */
  pageSize?: number;
  /** Parallel downloads in materialize(). */
  downloadConcurrency?: number;
  /** Secret strings to strip from every error message. */
  secrets?: readonly (string | undefined)[];
}

async function collect(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** A datastore over one blob container. Blob names are the datastore paths. */
export class AzureBlobDatastore implements Datastore {
  readonly kind = "azure-blob" as const;
  private readonly container: ContainerClient;
  private readonly pageSize: number;
  private readonly downloadConcurrency: number;
  private readonly secrets: readonly (string | undefined)[];

  constructor(container: ContainerClient, options: AzureBlobDatastoreOptions = {}) {
    this.container = container;
    this.pageSize = options.pageSize ?? 5000;
    this.downloadConcurrency = options.downloadConcurrency ?? 8;
    this.secrets = options.secrets ?? [];
  }

  /** Maps an SDK error to an AppError whose message carries no secret and no request details. */
  private failure(error: unknown, path?: string): AppError {
    if (error instanceof AppError) return new AppError(error.code, redactSecrets(error.message, this.secrets));
    const what = path === undefined ? `container '${this.container.containerName}'` : `${quotePath(path)}`;
    if (error instanceof RestError) {
      const code = typeof error.code === "string" ? error.code : "";
      if (code === "ContainerNotFound") return notFound(`container '${this.container.containerName}' not found in the storage account`);
      if (error.statusCode === 404 && path !== undefined) return notFound(`file ${quotePath(path)} not found in datastore`);
      if (error.statusCode === 401 || error.statusCode === 403) {
        return new AppError(
          "unavailable",
          `azure-blob datastore was refused access to ${what} (${error.statusCode} ${code || "Forbidden"}): check the datastore's credentials and their permissions`,
        );
      }
      const status = error.statusCode ? `${error.statusCode} ${code}`.trim() : code || "no response";
      return new AppError(
        "unavailable",
        redactSecrets(`azure-blob datastore request for ${what} failed (${status}): ${error.message.split("\n")[0]}`, this.secrets),
      );
    }
    if (error instanceof Error && error.name === "AbortError") return new AppError("unavailable", `listing of ${what} was cancelled`);
    const message = error instanceof Error ? error.message : String(error);
    return new AppError("unavailable", redactSecrets(`azure-blob datastore request for ${what} failed: ${message.split("\n")[0]}`, this.secrets));
  }

  localPath(): undefined {
    return undefined;
  }

  async *list(pattern: string, options: ListOptions = {}): AsyncGenerator<DatastoreEntry> {
    const compiled = compileListPattern(pattern);
    const pages = this.container.listBlobsFlat({ prefix: compiled.prefix || undefined, abortSignal: options.signal }).byPage({ maxPageSize: this.pageSize });
    try {
      for await (const page of pages) {
        for (const item of page.segment.blobItems) {
          // Names ending in '/' are folder markers (hierarchical namespace), not files.
          if (item.name.endsWith("/") || !compiled.matches(item.name)) continue;
          yield { path: item.name, size: item.properties.contentLength ?? 0, stamp: item.properties.etag };
        }
        options.signal?.throwIfAborted();
      }
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.failure(error);
    }
  }

  async stat(path: string): Promise<DatastoreEntry | undefined> {
    const name = normalizeDatastorePath(path);
    try {
      const props = await this.container.getBlobClient(name).getProperties();
      return { path: name, size: props.contentLength ?? 0, stamp: props.etag };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404 && error.code !== "ContainerNotFound") return undefined;
      throw this.failure(error, name);
    }
  }

  async read(path: string): Promise<Buffer> {
    const name = normalizeDatastorePath(path);
    try {
      const response = await this.container.getBlobClient(name).download();
      return await collect(response.readableStreamBody);
    } catch (error) {
      throw this.failure(error, name);
    }
  }

  async readRange(path: string, start: number, end: number): Promise<Buffer> {
    const name = normalizeDatastorePath(path);
    checkRange(name, start, end);
    if (end === start) return Buffer.alloc(0);
    try {
      const response = await this.container.getBlobClient(name).download(start, end - start);
      return await collect(response.readableStreamBody);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 416) return Buffer.alloc(0); // start past the end
      throw this.failure(error, name);
    }
  }

  createReadStream(path: string, range?: { start: number; end: number }): Readable {
    const name = normalizeDatastorePath(path);
    if (range) checkRange(name, range.start, range.end);
    if (range && range.end === range.start) return Readable.from([]);
    const out = new PassThrough();
    const request = range ? this.container.getBlobClient(name).download(range.start, range.end - range.start) : this.container.getBlobClient(name).download();
    request.then(
      (response) => {
        const body = response.readableStreamBody;
        if (!body) return out.end();
        body.on("error", (error: unknown) => out.destroy(this.failure(error, name)));
        // A reader that stops early (destroying `out`) must not leave the download open.
        out.on("close", () => {
          if (body instanceof Readable) body.destroy();
        });
        body.pipe(out);
      },
      (error: unknown) => {
        if (range && error instanceof RestError && error.statusCode === 416) out.end();
        else out.destroy(this.failure(error, name));
      },
    );
    return out;
  }

  async write(path: string, data: Buffer | string | Readable): Promise<void> {
    const name = normalizeDatastorePath(path);
    const blob = this.container.getBlockBlobClient(name);
    try {
      if (typeof data === "string") await blob.uploadData(Buffer.from(data));
      else if (Buffer.isBuffer(data)) await blob.uploadData(data);
      else await blob.uploadStream(data, 4 * 1024 * 1024, 4);
    } catch (error) {
      throw this.failure(error, name);
    }
  }

  async removeFolder(folder: string): Promise<number> {
    // Throws for "" (never the whole container).
    const prefix = `${normalizeDatastorePath(folder)}/`;
    const names: string[] = [];
    try {
      for await (const item of this.container.listBlobsFlat({ prefix })) names.push(item.name);
      await mapLimit(names, this.downloadConcurrency, (name) =>
        this.container.deleteBlob(name).catch((error: unknown) => {
          if (!(error instanceof RestError && error.statusCode === 404)) throw error;
        }),
      );
    } catch (error) {
      throw this.failure(error, prefix);
    }
    return names.length;
  }

  async materialize(paths: string[], cacheDir: string): Promise<string[]> {
    return mapLimit(paths, this.downloadConcurrency, async (path) => {
      const name = normalizeDatastorePath(path);
      const target = join(cacheDir, name);
      const temp = `${target}.${randomBytes(6).toString("hex")}.partial`;
      await mkdir(dirname(target), { recursive: true });
      try {
        const response = await this.container.getBlobClient(name).download();
        if (!response.readableStreamBody) throw new Error("empty response");
        await pipeline(response.readableStreamBody, createWriteStream(temp));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw this.failure(error, name);
      }
      return target;
    });
  }
}
