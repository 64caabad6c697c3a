import { sealSecret, unsealSecret, type DatastoreAccess } from "../catalog/datastores";
import { isEncryptedSecret } from "../crypto/secrets";
import type { Db } from "../db/client";

/**
 * Encrypts the datastore secrets an earlier version stored as plaintext, in one transaction; the
 * number re-encrypted. Run when a process opens the database, so the file alone never holds a key.
 */
export async function encryptLegacySecrets(db: Db, access: DatastoreAccess): Promise<number> {
  const rows = await db.datastore.findMany({ where: { secret: { not: null } }, select: { id: true, name: true, secret: true } });
  const legacy = rows.filter((row) => row.secret !== null && !isEncryptedSecret(row.secret));
  if (legacy.length === 0) return 0;
  await db.$transaction(
    legacy.map((row) => db.datastore.update({ where: { id: row.id }, data: { secret: sealSecret(access, row.id, JSON.parse(row.secret as string)) } })),
  );
  return legacy.length;
}

/**
 * Re-encrypts every stored secret (archived datastores too) from the current key to `newKey`, all
 * or nothing: a secret that does not decrypt with the current key stops the rotation before any write.
 */
export async function rotateSecrets(db: Db, access: DatastoreAccess, newKey: Buffer): Promise<number> {
  const next: DatastoreAccess = { ...access, secretKey: newKey };
  return db.$transaction(async (tx) => {
    const rows = await tx.datastore.findMany({ where: { secret: { not: null } }, select: { id: true, name: true, secret: true } });
    const resealed = rows.map((row) => ({ id: row.id, secret: sealSecret(next, row.id, JSON.parse(unsealSecret(access, row) ?? "null")) }));
    for (const row of resealed) await tx.datastore.update({ where: { id: row.id }, data: { secret: row.secret } });
    return resealed.length;
  });
}
