import { closeSync, fstatSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname } from "node:path";

/** Opens a worker's stdout or stderr file for appending (its folder created). */
export function openLog(file: string): number {
  mkdirSync(dirname(file), { recursive: true });
  return openSync(file, "a");
}

/** The last lines of a process's stderr file, for a message (at most ~400 characters). */
export function tail(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, 2048));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString("utf8").trim().split("\n").slice(-3).join(" | ").slice(-400);
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * What was written to a file from `offset` on (the last 64 KB of it at most); "" when unreadable.
 * A slot's stderr file is shared by its successive processes: this reads only the last one's part.
 */
export function readFrom(file: string, offset: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    const start = Math.max(offset, size - 64 * 1024);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
