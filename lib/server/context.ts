import { mkdirSync } from "node:fs";
import { createDb, type Db } from "../db/client";
import { checkSqliteLocation, openingError } from "../db/config-errors";
import { migrate } from "../db/migrate";
import { providerOf, type DbProvider } from "../db/provider";
import { protectDataFolder, resolveWorkerUser, type WorkerUser } from "../engine/worker-user";
import type { DatastoreAccess } from "../catalog/datastores";
import { defaultDatabaseUrl, loadEnv, type AppEnv } from "../env";
import { encryptLegacySecrets } from "../services/secrets";
import { datastoreAccess } from "./datastore-access";

export interface AppContext {
  env: AppEnv;
  db: Db;
  provider: DbProvider;
  /** Allowed local roots and the secret key: what opening or registering a datastore is subject to. */
  access: DatastoreAccess;
  /** Who worker processes run as (PRS_WORKER_USER when the studio is root); undefined: the studio's own user. */
  workerUser?: WorkerUser;
}

let shared: Promise<AppContext> | undefined;

/**
 * One database client per process (server, worker pool, CLI); migrations applied on first use.
 * A failure is not kept: the next call tries again (the database may have been started since).
 */
export function appContext(): Promise<AppContext> {
  shared ??= open().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

async function open(): Promise<AppContext> {
  const env = loadEnv();
  const provider = providerOf(env.databaseUrl);
  // Only the default location is created; a DATABASE_URL given explicitly must point somewhere real.
  if (env.databaseUrl === defaultDatabaseUrl(env.dataDir)) mkdirSync(env.dataDir, { recursive: true });
  checkSqliteLocation(env.databaseUrl);
  try {
    await migrate(env.databaseUrl);
  } catch (error) {
    throw openingError(env.databaseUrl, error) ?? error;
  }
  const access = datastoreAccess(env);
  const workerUser = resolveWorkerUser(env.workerUser);
  protectDataFolder(env.dataDir, env.databaseUrl, workerUser);
  const db = await createDb(env.databaseUrl);
  await encryptLegacySecrets(db, access);
  return { env, db, provider, access, workerUser };
}
