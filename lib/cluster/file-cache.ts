import { createHash, randomUUID } from "node:crypto";
import { copyFileSync, createWriteStream, existsSync, linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { FileRef } from "./messages";

/**
 * An agent's content-addressed cache of the files the studio serves (entry script folders,
 * models, labels, side inputs): each file is fetched once by its SHA-256, verified, and kept
 * under `cas/<sha256>/<name>`; a script folder is assembled from those under `trees/<hash>/`.
 */
export class FileCache {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly dir: string,
    private readonly server: string,
    private readonly headers: Record<string, string>,
  ) {}

  /** The local copy of a file, fetched and verified when missing. */
  file(ref: FileRef): Promise<string> {
    const base = ref.name.split("/").pop() || "file";
    const target = join(this.dir, "cas", ref.sha256, base);
    if (existsSync(target)) return Promise.resolve(target);
    let pending = this.inFlight.get(target);
    if (!pending) {
      pending = this.fetch(ref, target).finally(() => this.inFlight.delete(target));
      this.inFlight.set(target, pending);
    }
    return pending;
  }

  /** A folder holding every file of `tree` at its relative path (hard links into the cache). */
  async tree(tree: FileRef[]): Promise<string> {
    const id = createHash("sha256")
      .update(tree.map((f) => `${f.name}\0${f.sha256}`).join("\n"))
      .digest("hex");
    const root = join(this.dir, "trees", id);
    if (existsSync(join(root, ".complete"))) return root;
    const partial = `${root}.${randomUUID()}.partial`;
    for (const ref of tree) {
      const source = await this.file(ref);
      const rel = normalize(ref.name);
      if (rel.startsWith("..") || rel.startsWith(sep)) throw new Error(`the studio sent a file outside its folder: ${ref.name}`);
      const target = join(partial, rel);
      mkdirSync(dirname(target), { recursive: true });
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, ".complete"), "");
    try {
      renameSync(partial, root);
    } catch {
      // Another job assembled the same folder first.
      rmSync(partial, { recursive: true, force: true });
    }
    return root;
  }

  private async fetch(ref: FileRef, target: string): Promise<string> {
    const url = `${this.server.replace(/\/+$/, "")}/api/agent/files/${ref.sha256}`;
    const response = await fetch(url, { headers: this.headers });
    if (!response.ok || !response.body) {
      const text = (await response.text().catch(() => "")).slice(0, 300);
      throw new Error(`fetching ${ref.name} (${ref.sha256.slice(0, 12)}) from ${url} failed: HTTP ${response.status} ${text}`);
    }
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.${randomUUID()}.partial`;
    const hash = createHash("sha256");
    let size = 0;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    await pipeline(body, createWriteStream(partial));
    const sha = hash.digest("hex");
    if (sha !== ref.sha256 || size !== ref.size) {
      rmSync(partial, { force: true });
      throw new Error(
        `${ref.name} from ${url} does not match its hash (got ${size} bytes with SHA-256 ${sha.slice(0, 12)}, expected ${ref.size} bytes ${ref.sha256.slice(0, 12)})`,
      );
    }
    renameSync(partial, target);
    return target;
  }
}
