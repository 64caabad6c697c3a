import { closeSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { appendFully, ensureFolder, storageError } from "../fs/durable-write";
import type { LoggingLevel } from "../contracts/parallel-run-config";
import type { EntryLogger, LogLevel } from "../sdk/entry-script";

const rank: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/**
 * A process's user log (logs/user/entry_script_log/<node>/<process>.log.txt), honouring
 * logging_level. Lines are buffered and written at each flush (every mini-batch) so logging does
 * not cost a write call per line.
 */
export class ProcessLog implements EntryLogger {
  private readonly fd: number;
  private buffer = "";
  private readonly min: number;

  constructor(
    private readonly file: string,
    level: LoggingLevel,
    private readonly prefix: string,
  ) {
    ensureFolder(dirname(file), dirname(file), "log folder");
    try {
      this.fd = openSync(file, "a");
    } catch (error) {
      throw storageError(error, file, `log folder ${dirname(file)}`);
    }
    this.min = rank[level];
  }

  write(level: LogLevel, message: string): void {
    if (rank[level] < this.min) return;
    this.buffer += `${new Date().toISOString()} ${level} ${this.prefix} ${message}\n`;
    if (this.buffer.length > 64 * 1024) this.flush();
  }

  debug = (m: string) => this.write("DEBUG", m);
  info = (m: string) => this.write("INFO", m);
  warning = (m: string) => this.write("WARNING", m);
  error = (m: string) => this.write("ERROR", m);

  /** Writes the buffered lines whole, or throws a StorageError naming the log (full disk...). */
  flush(): void {
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = "";
    appendFully(this.fd, text, this.file);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
