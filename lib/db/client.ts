import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PgClient } from "./generated/postgresql/client";
import { providerOf } from "./provider";
import { SharedFileLibSql } from "./sqlite-adapter";

/**
 * Both generated clients share one model API (they come from prisma/models.prisma); services are
 * typed against the SQLite one and work with either.
 */
export type Db = SqliteClient;

/**
 * Interactive transactions wait for SQLite's write lock, which the web server, the worker pool and
 * the CLI share; Prisma's defaults (2 s to start, 5 s in all) are too short on a busy machine.
 */
const transactionOptions = { maxWait: 15_000, timeout: 30_000 };

export async function createDb(databaseUrl: string): Promise<Db> {
  if (providerOf(databaseUrl) === "postgresql") {
    const client = new PgClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 8 }), transactionOptions });
    return client as unknown as Db;
  }
  return new SqliteClient({ adapter: new SharedFileLibSql({ url: databaseUrl }), transactionOptions });
}
