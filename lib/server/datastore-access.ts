import { join } from "node:path";
import type { DatastoreAccess } from "../catalog/datastores";
import { loadOrCreateKeyFile, parseSecretKey, SECRET_KEY_FILE } from "../crypto/secret-key";
import type { AppEnv } from "../env";

/** Where the generated secret key lives when PRS_SECRET_KEY is not set. */
export function secretKeyFile(env: Pick<AppEnv, "dataDir">): string {
  return join(env.dataDir, SECRET_KEY_FILE);
}

/**
 * The allowed local roots and the secret key of this studio: PRS_SECRET_KEY when set, else the
 * data folder's secret.key (generated on first use, mode 0600).
 */
export function datastoreAccess(env: Pick<AppEnv, "dataDir" | "localRoots" | "secretKey">): DatastoreAccess {
  const secretKey = env.secretKey ? parseSecretKey(env.secretKey, "PRS_SECRET_KEY") : loadOrCreateKeyFile(secretKeyFile(env));
  return { allowedRoots: env.localRoots, dataDir: env.dataDir, secretKey };
}
