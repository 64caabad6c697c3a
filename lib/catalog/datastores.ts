import { z } from "zod";
import { DatastoreConfig, DatastoreKind } from "../contracts/designer-api";
import type { Db } from "../db/client";
import { parseColumn } from "../db/columns";
import { decryptSecret, encryptSecret, isEncryptedSecret } from "../crypto/secrets";
import { openDatastore } from "../datastores/index";
import { checkLocalRoot, type LocalRootRule } from "../datastores/local-roots";
import type { Datastore, DatastoreSpec } from "../datastores/types";
import { notFound } from "../errors";

/** The embedded default: a local folder under the data directory, used for outputs. */
export const DEFAULT_DATASTORE = "workspace";

export type DatastoreRow = { id: string; name: string; kind: string; config: string; secret: string | null; createdAt: Date };

/**
 * What opening a datastore is subject to, from the environment: where local folders may be, and
 * the key stored secrets are encrypted with.
 */
export interface DatastoreAccess extends LocalRootRule {
  secretKey: Buffer;
}

/** The stored form of a datastore's secret: encrypted, bound to the datastore's id. */
export function sealSecret(access: DatastoreAccess, datastoreId: string, secret: unknown): string {
  return encryptSecret(access.secretKey, JSON.stringify(secret), datastoreId);
}

/** The secret's JSON text; a plaintext value stored by an earlier version is read as it is. */
export function unsealSecret(access: DatastoreAccess, row: Pick<DatastoreRow, "id" | "name" | "secret">): string | undefined {
  if (row.secret === null) return undefined;
  return isEncryptedSecret(row.secret) ? decryptSecret(access.secretKey, row.secret, row.id, `datastore ${row.name}`) : row.secret;
}

/** A stored datastore ready to open: its secret decrypted, a local root checked against the allowed roots. */
export function specOf(row: DatastoreRow, access: DatastoreAccess): DatastoreSpec {
  const kind = DatastoreKind.parse(row.kind);
  const config = parseColumn(DatastoreConfig, row.config, `Config of datastore ${row.name}`);
  if (kind === "local" && typeof config.root === "string") checkLocalRoot(config.root, access);
  const secret = unsealSecret(access, row);
  // Checked by the datastore kind when it opens (its schema names the fields).
  return { kind, config, secret: secret === undefined ? undefined : parseColumn(z.unknown(), secret, `Secret of datastore ${row.name}`) };
}

export async function getDatastoreRow(db: Db, name: string): Promise<DatastoreRow> {
  const row = await db.datastore.findUnique({ where: { name } });
  if (!row) throw notFound(`Datastore '${name}' is not registered (see \`prs datastore list\`)`);
  return row;
}

export async function openNamedDatastore(db: Db, access: DatastoreAccess, name: string): Promise<{ row: DatastoreRow; ds: Datastore }> {
  const row = await getDatastoreRow(db, name);
  const spec = specOf(row, access);
  return { row, ds: openDatastore(spec.kind, spec.config, spec.secret) };
}
