import { PrismaLibSql } from "@prisma/adapter-libsql";

type Client = ReturnType<PrismaLibSql["createClient"]>;
type Config = Parameters<PrismaLibSql["createClient"]>[0];
type Transaction = Awaited<ReturnType<Client["transaction"]>>;
type Statement = Parameters<Transaction["execute"]>[0];
type Result = Awaited<ReturnType<Transaction["execute"]>>;

/**
 * SQLite's own wait for a lock, per statement. It blocks the event loop (libsql is synchronous), so
 * it is kept short; longer waits happen between tries, asynchronously.
 */
const NATIVE_BUSY_TIMEOUT_MS = 250;
/** How long a statement keeps trying while other processes hold the write lock. */
export const SQLITE_BUSY_WAIT_MS = 12_000;

/**
 * Prisma's libsql adapter, changed so that the web server, the worker pool and the CLI can share
 * one SQLite file under load:
 *
 * - Transactions begin IMMEDIATE on the client's one connection. The stock adapter begins them
 *   DEFERRED on a connection it then abandons: a deferred transaction that reads, then writes,
 *   fails at once with SQLITE_BUSY when another process wrote in between (SQLite cannot wait
 *   there), and every later statement ran on a fresh connection without the busy timeout.
 * - A statement that finds the database locked is tried again after a short, jittered sleep,
 *   until SQLITE_BUSY_WAIT_MS have passed. Such a statement changed nothing, so this is safe.
 *   libsql leaves it unfinished, though, and an unfinished statement makes every later COMMIT on
 *   that connection fail ("SQL statements in progress") and pins an old snapshot: the connection
 *   is replaced first.
 *
 * Within one process the adapter runs one statement or transaction at a time (its mutex), so this
 * connection is the process's single writer queue; between processes the file's write lock orders
 * the writers.
 */
export class SharedFileLibSql extends PrismaLibSql {
  override createClient(config: Config): Client {
    return new SharedFileConnection(super.createClient({ ...config, timeout: NATIVE_BUSY_TIMEOUT_MS })).client;
  }
}

class SharedFileConnection {
  private readonly execute: (stmt: Statement) => Promise<Result>;
  private fresh = true;
  private inTransaction = false;
  private replaceWhenIdle = false;

  constructor(readonly client: Client) {
    this.execute = client.execute.bind(client) as (stmt: Statement) => Promise<Result>;
    client.execute = ((stmt: Statement) => this.run(stmt)) as Client["execute"];
    client.transaction = async () => {
      await this.run("BEGIN IMMEDIATE");
      this.inTransaction = true;
      return this.transaction();
    };
  }

  async run(stmt: Statement): Promise<Result> {
    const deadline = Date.now() + SQLITE_BUSY_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.fresh) {
          this.fresh = false;
          // WAL (set by migrate) stays consistent with NORMAL: a commit need not wait for fsync.
          await this.execute("PRAGMA synchronous = NORMAL");
        }
        return await this.execute(stmt);
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
        // Inside a transaction the whole transaction must go; the connection is replaced after it.
        if (this.inTransaction) {
          this.replaceWhenIdle = true;
          throw error;
        }
        await this.replace();
        if (Date.now() > deadline) throw error;
        const ceiling = Math.min(10 * 2 ** attempt, 200);
        await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * ceiling));
      }
    }
  }

  private async replace(): Promise<void> {
    this.replaceWhenIdle = false;
    this.fresh = true;
    await this.client.reconnect();
  }

  private async end(sql: "COMMIT" | "ROLLBACK"): Promise<void> {
    if (!this.inTransaction) return;
    try {
      await this.run(sql);
    } catch (error) {
      // A failed COMMIT leaves the transaction open; roll it back so the connection is clean.
      if (sql === "COMMIT")
        await this.run("ROLLBACK").catch((rollbackError: unknown) => console.error("ROLLBACK after a failed COMMIT failed:", rollbackError));
      this.replaceWhenIdle = true;
      throw error;
    } finally {
      this.inTransaction = false;
      if (this.replaceWhenIdle) await this.replace();
    }
  }

  private transaction(): Transaction {
    const self = this;
    return {
      execute: (stmt) => this.run(stmt),
      batch: async (stmts) => {
        const results = [];
        for (const stmt of stmts) results.push(await this.run(stmt));
        return results;
      },
      executeMultiple: () => Promise.reject(new Error("executeMultiple is not supported inside a transaction")),
      commit: () => this.end("COMMIT"),
      rollback: () => this.end("ROLLBACK"),
      close: () => void this.end("ROLLBACK").catch((error: unknown) => console.error("ROLLBACK on close failed:", error)),
      get closed() {
        return !self.inTransaction;
      },
    };
  }
}

/** SQLITE_BUSY (5) and its extended codes: another connection holds the lock. */
export function isSqliteBusy(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { code?: unknown; rawCode?: unknown; message?: unknown };
  if (typeof e.rawCode === "number") return (e.rawCode & 0xff) === 5;
  return e.code === "SQLITE_BUSY" || (typeof e.message === "string" && e.message.includes("database is locked"));
}
