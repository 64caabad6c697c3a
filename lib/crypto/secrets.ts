import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { misconfigured } from "../errors";

/** Bytes of an AES-256 key. */
export const SECRET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = "v1";

/**
 * Encrypts a secret for storage with AES-256-GCM: `v1:<iv>:<tag>:<ciphertext>` (base64 parts),
 * a random IV per value. `context` (the owner's id) is authenticated, so a stored value copied
 * onto another row does not decrypt there.
 */
export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", checkedKey(key), iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
}

/** Whether a stored value was written by `encryptSecret` (anything else is legacy plaintext). */
export function isEncryptedSecret(stored: string): boolean {
  return stored.startsWith(`${VERSION}:`);
}

/** The plaintext of `encryptSecret`'s output; a clear error when altered or stored under another key. */
export function decryptSecret(key: Buffer, stored: string, context: string, what: string): string {
  const [version, ...parts] = stored.split(":");
  const [iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, "base64"));
  if (version !== VERSION || parts.length !== 3 || iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ciphertext) {
    throw misconfigured(`the stored secret of ${what} is not in the form ${VERSION}:<iv>:<tag>:<ciphertext>: register the datastore again`);
  }
  const decipher = createDecipheriv("aes-256-gcm", checkedKey(key), iv);
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw misconfigured(
      `cannot decrypt the secret of ${what} with this secret key: it was stored under another key (PRS_SECRET_KEY or the data folder's secret.key) or has been altered`,
    );
  }
}

function checkedKey(key: Buffer): Buffer {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`a secret key is ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
  return key;
}
