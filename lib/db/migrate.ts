import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import pg from "pg";
import { providerOf, type DbProvider } from "./provider";

const prismaDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "prisma");

/**
 * Applies the committed migrations of prisma/<provider>/migrations, recording them in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (same table, sha256 checksums), so
 * either tool can take over. Needs no schema engine, so it works offline.
 */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const provider = providerOf(databaseUrl);
  const migrations = listMigrations(provider);
  const runner = provider === "sqlite" ? await sqliteRunner(databaseUrl) : await pgRunner(databaseUrl);
  try {
    await runner.exec(provider === "sqlite" ? SQLITE_MIGRATIONS_TABLE : PG_MIGRATIONS_TABLE);
    const applied = new Map((await runner.appliedMigrations()).map((m) => [m.name, m.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was changed after it was applied: restore it and add a new migration instead`);
        }
        continue;
      }
      await runner.apply(migration);
      done.push(migration.name);
    }
    return done;
  } finally {
    await runner.close();
  }
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

function listMigrations(provider: DbProvider): Migration[] {
  const dir = join(prismaDir, provider, "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface Runner {
  exec(sql: string): Promise<void>;
  appliedMigrations(): Promise<{ name: string; checksum: string }[]>;
  apply(migration: Migration): Promise<void>;
  close(): Promise<void>;
}

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const PG_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

async function sqliteRunner(databaseUrl: string): Promise<Runner> {
  const client = createClient({ url: databaseUrl });
  await client.execute("PRAGMA busy_timeout = 10000");
  // WAL lets the web server read while the worker pool writes; the setting lives in the file.
  await client.execute("PRAGMA journal_mode = WAL");
  return {
    exec: async (sql) => void (await client.executeMultiple(sql)),
    appliedMigrations: async () => {
      const rs = await client.execute(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
      return rs.rows.map((r) => ({ name: String(r.migration_name), checksum: String(r.checksum) }));
    },
    apply: async (m) => {
      await client.executeMultiple(`BEGIN;\n${m.sql}\n;COMMIT;`);
      await client.execute({
        sql: `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, current_timestamp, ?, 1)`,
        args: [randomUUID(), m.checksum, m.name],
      });
    },
    close: async () => client.close(),
  };
}

async function pgRunner(databaseUrl: string): Promise<Runner> {
  // A server that does not answer is reported, not waited for forever.
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 15_000 });
  await client.connect();
  return {
    exec: async (sql) => void (await client.query(sql)),
    appliedMigrations: async () => {
      const rs = await client.query(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
      return rs.rows.map((r: { migration_name: string; checksum: string }) => ({ name: r.migration_name, checksum: r.checksum }));
    },
    apply: async (m) => {
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`, [
          randomUUID(),
          m.checksum,
          m.name,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    close: async () => client.end(),
  };
}
