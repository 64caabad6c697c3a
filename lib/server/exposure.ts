import { parseSecretKey, loadOrCreateKeyFile } from "../crypto/secret-key";
import type { AppEnv } from "../env";
import { misconfigured } from "../errors";
import { secretKeyFile } from "./datastore-access";

/**
 * The exposure rule, checked by `npm start` before anything else: on a loopback address the
 * studio needs nothing more; bound to any other address it must know the public URL it is served
 * under (the request guard answers only to that name) and have a secret key.
 */

export interface Exposure {
  /** What the web server listens on, and where to open it, in one line. */
  listening: string;
  /** Where users open the studio (PRS_PUBLIC_URL, or http://host:port). */
  origin: string;
  warnings: string[];
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Throws the one-sentence configuration error when the rule is broken; makes the secret key file if needed. */
export function checkExposure(env: Pick<AppEnv, "host" | "port" | "publicOrigin" | "secretKey" | "dataDir">): Exposure {
  const local = isLoopbackAddress(env.host);
  if (!local) {
    if (!env.publicOrigin) {
      throw misconfigured(
        `HOST=${env.host} serves the studio beyond this machine, which needs PRS_PUBLIC_URL set to the address users open (https://… through a TLS reverse proxy, see "Exposing the studio" in README.md): set PRS_PUBLIC_URL, or HOST=127.0.0.1 to stay local.`,
      );
    }
    ensureSecretKey(env);
  }
  const address = `${env.host.includes(":") && !env.host.startsWith("[") ? `[${env.host}]` : env.host}:${env.port}`;
  const open = env.publicOrigin ?? `http://${address}`;
  const where = local ? "this machine only" : "the network";
  return {
    listening: `Parallel Run Studio: listening on ${address} (${where}), open ${open}`,
    origin: open,
    warnings: env.publicOrigin?.startsWith("http:") ? [plainHttpWarning(env.publicOrigin)] : [],
  };
}

/** PRS_SECRET_KEY when set (it must parse), else the data folder's key file, created with mode 0600. */
function ensureSecretKey(env: Pick<AppEnv, "secretKey" | "dataDir">): void {
  if (env.secretKey) parseSecretKey(env.secretKey, "PRS_SECRET_KEY");
  else loadOrCreateKeyFile(secretKeyFile(env));
}

function plainHttpWarning(origin: string): string {
  return `warning: PRS_PUBLIC_URL ${origin} is not https: sign-in, tokens and data would cross the network unencrypted; serve the studio through a TLS reverse proxy (README.md, "Exposing the studio").`;
}
