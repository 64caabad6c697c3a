import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Redis } from "ioredis";
import { errorMessage } from "../errors";
import type { ClusterKeys } from "./keys";
import type { LogChunk } from "./messages";

/** Bytes per stream entry: a chunk is read from disk and sent, never more in memory per file. */
const CHUNK_BYTES = 64 * 1024;
/** Entries the studio has not read yet above which an agent waits (the logs stay on its disk meanwhile). */
const BACKLOG_ENTRIES = 256;
/** Bytes one shipping round sends at most (the next round continues). */
const ROUND_BYTES = 1024 * 1024;
/** A logs stream no studio reads (its studio is gone for good) goes after this long. */
const STREAM_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Ships the log files of one step on an agent (entry script logs, stdout, stderr, the
 * environment's build log) to the studio: every second, the bytes added to each file since the
 * last round go to the step's logs stream in Redis as chunks with their file offset; the studio
 * (log-sink.ts) writes them under the step's logs, in `agents/<folder>/`. The files on the
 * agent's disk are the buffer: memory stays at one chunk, an agent that dies loses at most its
 * last second, and a studio that falls behind makes the agent wait, not drop.
 */
export class LogShipper {
  private readonly sent = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private round: Promise<void> = Promise.resolve();
  private warned = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly stepKey: string,
    private readonly agentId: string,
    private readonly folder: string,
    private readonly logDir: string,
    private readonly log: (line: string) => void = () => {},
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.ship(false), this.intervalMs);
    this.timer.unref();
  }

  /** One round now, after the one running (rounds never overlap). */
  ship(all: boolean): Promise<void> {
    this.round = this.round.then(() => this.shipRound(all)).catch((error: unknown) => this.warn(error));
    return this.round;
  }

  /** Ships everything left, then tells the studio this agent's logs of the step are complete. */
  async finish(): Promise<void> {
    clearInterval(this.timer);
    await this.ship(true);
    const end = JSON.stringify({ agentId: this.agentId, end: true });
    await this.redis.xadd(this.keys.logs(this.stepKey), "*", "e", end).catch((error: unknown) => this.warn(error));
  }

  private warn(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log(`logs of step ${this.stepKey} not shipped yet (they stay on this machine and go with the next round): ${errorMessage(error)}`);
  }

  private async shipRound(all: boolean): Promise<void> {
    const key = this.keys.logs(this.stepKey);
    let budget = all ? Number.POSITIVE_INFINITY : ROUND_BYTES;
    let added = false;
    if (!all && (await this.redis.xlen(key)) > BACKLOG_ENTRIES) return;
    for (const file of listFiles(this.logDir)) {
      // Names as the studio accepts them (an entry script may name its own files in its log folder freely).
      const path = relative(this.logDir, file)
        .split(sep)
        .map((part) => (/^\.+$/.test(part) ? "_" : part.replace(/[^A-Za-z0-9._-]/g, "_")))
        .join("/");
      if (path.length > 300) continue;
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        continue;
      }
      if (!this.sent.has(path) && size === 0) {
        // An empty file (a process's stderr) is listed on the studio as it is here.
        const chunk: LogChunk = { agentId: this.agentId, folder: this.folder, path, offset: 0, data: "" };
        await this.redis.xadd(key, "*", "e", JSON.stringify(chunk));
        added = true;
        this.sent.set(path, 0);
        continue;
      }
      let offset = this.sent.get(path) ?? 0;
      if (size < offset) offset = 0; // replaced: sent again from its start
      while (offset < size && budget > 0) {
        const data = readChunk(file, offset, Math.min(CHUNK_BYTES, size - offset));
        if (data.length === 0) break;
        const chunk: LogChunk = { agentId: this.agentId, folder: this.folder, path, offset, data: data.toString("base64") };
        await this.redis.xadd(key, "*", "e", JSON.stringify(chunk));
        added = true;
        offset += data.length;
        budget -= data.length;
        this.sent.set(path, offset);
      }
    }
    if (added) await this.redis.expire(key, STREAM_TTL_SECONDS);
    this.warned = false;
  }
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names.sort()) {
    const full = join(dir, name);
    try {
      const st = statSync(full);
      if (st.isDirectory()) files.push(...listFiles(full));
      else if (st.isFile()) files.push(full);
    } catch {
      /* removed meanwhile */
    }
  }
  return files;
}

function readChunk(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    const n = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
