import { createDb, type Db } from "../db/client";
import { migrate } from "../db/migrate";
import { providerOf, type DbProvider } from "../db/provider";
import { loadEnv, type AppEnv } from "../env";

export interface AppContext {
  env: AppEnv;
  db: Db;
  provider: DbProvider;
}

let shared: Promise<AppContext> | undefined;

/** One database client per process (server, worker pool, CLI); migrations applied on first use. */
export function appContext(): Promise<AppContext> {
  shared ??= (async () => {
    const env = loadEnv();
    await migrate(env.databaseUrl);
    const db = await createDb(env.databaseUrl);
    return { env, db, provider: providerOf(env.databaseUrl) };
  })();
  return shared;
}
