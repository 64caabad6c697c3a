import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Redis } from "ioredis";
import { errorMessage } from "../errors";
import type { ClusterKeys } from "./keys";
import { LogChunk, LogEnd } from "./messages";

/** Open files kept per step at most (an agent's processes write a few each). */
const MAX_OPEN = 64;

/**
 * The studio's side of log shipping (log-shipper.ts): follows a step's logs stream and writes each
 * chunk at its offset into `<step logs>/agents/<folder>/<path>`, so the run page's log viewer and
 * the logs archive show agents' logs as they show local ones. Entries read are trimmed from the
 * stream, so Redis holds only what is on its way.
 */
export class LogSink {
  private reader?: Redis;
  private closed = false;
  private loop?: Promise<void>;
  private readonly fds = new Map<string, number>();
  private readonly shipping = new Set<string>();
  private readonly ended = new Set<string>();
  private last = "0";
  private failed = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly stepKey: string,
    private readonly logDir: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  start(): void {
    this.reader = this.redis.duplicate();
    this.reader.on("error", () => {});
    this.loop = this.follow();
  }

  private async follow(): Promise<void> {
    while (!this.closed && this.reader) {
      try {
        await this.readOnce(this.reader, 500);
      } catch (error) {
        if (this.closed) return;
        this.log(`logs of step ${this.stepKey} not read, retrying: ${errorMessage(error)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Reads and writes what the stream holds after the last entry seen; false when it held nothing. */
  private async readOnce(client: Redis, blockMs?: number): Promise<boolean> {
    const key = this.keys.logs(this.stepKey);
    const args: (string | number)[] = ["COUNT", 200];
    if (blockMs !== undefined) args.push("BLOCK", blockMs);
    const reply = (await client.xread(...(args as ["COUNT", number]), "STREAMS", key, this.last)) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) return false;
    for (const [, fields] of entries) this.write(fields[1] ?? "null");
    this.last = entries.at(-1)![0];
    await this.redis.xtrim(key, "MINID", this.nextId(this.last)).catch(() => 0);
    return true;
  }

  /** The smallest id after `id` (XTRIM MINID keeps ids at or above it). */
  private nextId(id: string): string {
    const [ms, seq] = id.split("-");
    return `${ms}-${Number(seq ?? 0) + 1}`;
  }

  private write(raw: string): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return;
    }
    const end = LogEnd.safeParse(value);
    if (end.success) {
      this.ended.add(end.data.agentId);
      return;
    }
    const parsed = LogChunk.safeParse(value);
    if (!parsed.success) return this.log(`an agent sent a log chunk that is not understood: ${parsed.error.message.slice(0, 200)}`);
    const chunk = parsed.data;
    this.shipping.add(chunk.agentId);
    const file = join(this.logDir, "agents", chunk.folder, ...chunk.path.split("/"));
    try {
      const data = Buffer.from(chunk.data, "base64");
      const fd = this.fd(file);
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, chunk.offset + done);
    } catch (error) {
      if (this.failed) return;
      this.failed = true;
      this.log(`agent logs of step ${this.stepKey} could not be written to ${file}: ${errorMessage(error)}`);
    }
  }

  private fd(file: string): number {
    let fd = this.fds.get(file);
    if (fd !== undefined) return fd;
    if (this.fds.size >= MAX_OPEN) {
      const [oldest, oldFd] = this.fds.entries().next().value as [string, number];
      closeSync(oldFd);
      this.fds.delete(oldest);
    }
    mkdirSync(dirname(file), { recursive: true });
    try {
      fd = openSync(file, "r+");
    } catch {
      fd = openSync(file, "w");
    }
    this.fds.set(file, fd);
    return fd;
  }

  /**
   * The step ended: waits until every agent that shipped logs of it or still holds a seat of it
   * (`expected`) has sent its end, at most `waitMs` and only for agents still alive, then reads
   * what is left and deletes the stream.
   */
  async finish(waitMs: number, expected: () => Promise<string[]>, alive: () => Promise<Set<string>>): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const holders = await expected().catch(() => []);
      const waiting = [...new Set([...this.shipping, ...holders])].filter((id) => !this.ended.has(id));
      if (waiting.length === 0) break;
      const living = await alive().catch(() => new Set<string>());
      if (!waiting.some((id) => living.has(id))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.closed = true;
    this.reader?.disconnect();
    await this.loop?.catch(() => {});
    // What arrived after the last read (the loop may have stopped between reads).
    for (let i = 0; i < 1000; i++) if (!(await this.readOnce(this.redis).catch(() => false))) break;
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    await this.redis.del(this.keys.logs(this.stepKey)).catch(() => 0);
  }
}
