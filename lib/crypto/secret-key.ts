import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import { misconfigured } from "../errors";
import { SECRET_KEY_BYTES } from "./secrets";

/** The file in the data folder that holds the generated key when PRS_SECRET_KEY is not set. */
export const SECRET_KEY_FILE = "secret.key";

/** A key given as base64 text (PRS_SECRET_KEY, `--new-key`): exactly 32 bytes. */
export function parseSecretKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== SECRET_KEY_BYTES) {
    throw misconfigured(`${source} must be ${SECRET_KEY_BYTES} bytes in base64 (44 characters; make one with \`openssl rand -base64 32\`)`);
  }
  return key;
}

/**
 * The key in `file`, generated on first use. The file is created with O_EXCL and mode 0600, so two
 * processes starting together agree on one key; a file others may read, or of the wrong length,
 * stops the start.
 */
export function loadOrCreateKeyFile(file: string): Buffer {
  if (!exists(file)) {
    try {
      writeNewKeyFile(file, randomBytes(SECRET_KEY_BYTES));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return readKeyFile(file);
}

export function readKeyFile(file: string): Buffer {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw misconfigured(
      `the secret key file ${file} has permissions ${mode.toString(8).padStart(4, "0")}: only its owner may read it (run \`chmod 600 ${file}\`)`,
    );
  }
  return parseSecretKey(readFileSync(file, "utf8"), `the secret key file ${file}`);
}

/** Writes a key into a file that must not exist yet (mode 0600 from the start). */
export function writeNewKeyFile(file: string, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, "wx", 0o600);
  try {
    writeSync(fd, `${key.toString("base64")}\n`);
  } finally {
    closeSync(fd);
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}
