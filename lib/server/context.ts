import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createDb, type Db } from "../db/client";
import { checkSqliteLocation, openingError } from "../db/config-errors";
import { migrate } from "../db/migrate";
import { providerOf, type DbProvider } from "../db/provider";
import { protectDataFolder, resolveWorkerUser, unreadableBy, type WorkerUser } from "../engine/worker-user";
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
  const workerUser = reachableDefault(resolveWorkerUser(env.workerUser), env);
  protectDataFolder(env.dataDir, env.databaseUrl, workerUser);
  const db = await createDb(env.databaseUrl);
  await encryptLegacySecrets(db, access);
  return { env, db, provider, access, workerUser };
}

/**
 * The default worker user (PRS_WORKER_USER unset, studio running as root) must be able to pass to
 * the studio's own worker program and to the data folder; a checkout under a private home folder
 * (/root is 0700) would make every step fail. Then workers keep the studio's user and the start
 * says why and how to fix it. A worker user named explicitly is used as it is: its steps fail
 * naming the folder it cannot pass.
 */
function reachableDefault(user: WorkerUser | undefined, env: AppEnv): WorkerUser | undefined {
  if (!user || env.workerUser !== undefined) return user;
  let blocked: string | undefined;
  try {
    // The program this process runs lives in the studio's checkout, beside the worker program; the
    // data folder itself is made passable (0711) by protectDataFolder, its parent must be already.
    const program = process.argv[1];
    blocked = (program ? unreadableBy(user, program) : undefined) ?? unreadableBy(user, dirname(env.dataDir));
  } catch {
    return user;
  }
  if (!blocked) return user;
  console.warn(
    `warning: entry scripts run as the studio's own user (root), not as ${user.name}: ${blocked}. Move the studio and its data folder where ${user.name} may pass, or set PRS_WORKER_USER to a user that can, or PRS_WORKER_USER=same to silence this.`,
  );
  return undefined;
}
