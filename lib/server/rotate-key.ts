import { randomBytes } from "node:crypto";
import { existsSync, renameSync } from "node:fs";
import { SECRET_KEY_BYTES } from "../crypto/secrets";
import { parseSecretKey, writeNewKeyFile } from "../crypto/secret-key";
import { misconfigured } from "../errors";
import { rotateSecrets } from "../services/secrets";
import type { AppContext } from "./context";
import { secretKeyFile } from "./datastore-access";

export interface RotationResult {
  rotated: number;
  /** The key file now holding the new key; absent when the key comes from PRS_SECRET_KEY. */
  keyFile?: string;
}

/**
 * Re-encrypts every stored secret under a new key (given, or generated), in one transaction. With
 * the key in the data folder, the new key is written beside it first and moved over it only after
 * the transaction commits, so a failure at any point leaves a key that opens every secret.
 */
export async function rotateSecretKey(ctx: Pick<AppContext, "db" | "env" | "access">, newKeyText?: string): Promise<RotationResult> {
  if (ctx.env.secretKey && !newKeyText) {
    throw misconfigured(
      "PRS_SECRET_KEY is set: give the new key with --new-key <base64> (make one with `openssl rand -base64 32`), then set PRS_SECRET_KEY to it",
    );
  }
  const newKey = newKeyText ? parseSecretKey(newKeyText, "--new-key") : randomBytes(SECRET_KEY_BYTES);
  if (ctx.env.secretKey) return { rotated: await rotateSecrets(ctx.db, ctx.access, newKey) };

  const keyFile = secretKeyFile(ctx.env);
  const pending = `${keyFile}.new`;
  if (existsSync(pending)) {
    throw misconfigured(
      `${pending} is left from an interrupted rotation: if \`prs secrets rotate-key\` said it re-encrypted the secrets, move it over ${keyFile}; otherwise delete it, then run the command again`,
    );
  }
  writeNewKeyFile(pending, newKey);
  const rotated = await rotateSecrets(ctx.db, ctx.access, newKey);
  renameSync(pending, keyFile);
  return { rotated, keyFile };
}
