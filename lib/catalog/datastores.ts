import { z } from "zod";
import { DatastoreConfig, DatastoreKind } from "../contracts/designer-api";
import type { Db } from "../db/client";
import { parseColumn } from "../db/columns";
import { openDatastore } from "../datastores/index";
import type { Datastore, DatastoreSpec } from "../datastores/types";
import { notFound } from "../errors";

/** The embedded default: a local folder under the data directory, used for outputs. */
export const DEFAULT_DATASTORE = "workspace";

export type DatastoreRow = { id: string; name: string; kind: string; config: string; secret: string | null; createdAt: Date };

export function specOf(row: DatastoreRow): DatastoreSpec {
  return {
    kind: DatastoreKind.parse(row.kind),
    config: parseColumn(DatastoreConfig, row.config, `Config of datastore ${row.name}`),
    // Checked by the datastore kind when it opens (its schema names the fields).
    secret: row.secret ? parseColumn(z.unknown(), row.secret, `Secret of datastore ${row.name}`) : undefined,
  };
}

export async function getDatastoreRow(db: Db, name: string): Promise<DatastoreRow> {
  const row = await db.datastore.findUnique({ where: { name } });
  if (!row) throw notFound(`Datastore '${name}' is not registered (see \`prs datastore list\`)`);
  return row;
}

export async function openNamedDatastore(db: Db, name: string): Promise<{ row: DatastoreRow; ds: Datastore }> {
  const row = await getDatastoreRow(db, name);
  const spec = specOf(row);
  return { row, ds: openDatastore(spec.kind, spec.config, spec.secret) };
}
