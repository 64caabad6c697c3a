import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { providerOf } from "../../lib/db/provider";
import { loadEnv } from "../../lib/env";
import type { AppContext } from "../../lib/server/context";
import { datastoreAccess } from "../../lib/server/datastore-access";
import { ensureDefaultDatastore } from "../../lib/services/datastores";

export interface TestContext extends AppContext {
  /** Root folder of the default `workspace` datastore. */
  workspace: string;
  cleanup(): Promise<void>;
}

export const PG_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://root@127.0.0.1:5432/postgres";

/** Whether the PostgreSQL server the suite uses answers; tests skip with this reason when not. */
export async function postgresUnavailable(): Promise<string | false> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return false;
  } catch (error) {
    return `PostgreSQL at ${PG_ADMIN_URL} is not reachable (${(error as Error).message}): PostgreSQL tests skipped`;
  }
}

/**
 * A fresh, real database (a SQLite file, or a new PostgreSQL database) with migrations applied,
 * a temporary data folder and the default datastore.
 */
export async function makeTestContext(provider: "sqlite" | "postgresql" = "sqlite"): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), "prs-test-"));
  let databaseUrl = `file:${join(dataDir, "studio.db")}`;
  let dropDatabase = async () => {};
  if (provider === "postgresql") {
    const name = `prs_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  await migrate(databaseUrl);
  const db = await createDb(databaseUrl);
  // The test's own temporary folder holds every local datastore a test registers.
  const env = { ...loadEnv({ ...process.env, PRS_DATA_DIR: dataDir, PRS_LOCAL_ROOTS: dataDir, DATABASE_URL: databaseUrl }), host: "127.0.0.1", port: 0 };
  const access = datastoreAccess(env);
  await ensureDefaultDatastore(db, access);
  return {
    env,
    db,
    provider: providerOf(databaseUrl),
    access,
    workspace: join(dataDir, "datastore"),
    async cleanup() {
      await db.$disconnect();
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes `count` small text files `<folder>/item-000.txt`... into the workspace datastore. */
export function makeTextFiles(ctx: TestContext, folder: string, count: number, content = (i: number) => `value ${i}`): string[] {
  const dir = join(ctx.workspace, folder);
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `item-${String(i).padStart(3, "0")}.txt`;
    writeFileSync(join(dir, name), content(i));
    names.push(name);
  }
  return names;
}

/** Writes an entry script (ESM JavaScript or TypeScript) into the data folder and returns its path. */
export function makeEntryScript(ctx: TestContext, name: string, code: string): string {
  const dir = join(ctx.env.dataDir, "scripts");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, code);
  return file;
}

/** A test context with `count` text files in folder `name` of the workspace, registered as file dataset `name`. */
export async function makeItemsContext(count: number, name = "items"): Promise<TestContext> {
  const ctx = await makeTestContext("sqlite");
  makeTextFiles(ctx, name, count);
  const { registerDataset } = await import("../../lib/services/datasets");
  await registerDataset(ctx.db, ctx.access, { name, kind: "file", datastore: "workspace", paths: [`${name}/`] });
  return ctx;
}
