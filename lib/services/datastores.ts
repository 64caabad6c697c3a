import { join } from "node:path";
import type { Db } from "../db/client";
import { conflict, invalid, notFound } from "../errors";
import { newId } from "../ids";
import { openDatastore } from "../datastores/index";
import type { Datastore } from "../datastores/types";
import type { DatastoreSpec } from "../engine/protocol";

export const DEFAULT_DATASTORE = "workspace";

export interface DatastoreView {
  id: string;
  name: string;
  kind: "local" | "azure-blob";
  config: Record<string, unknown>;
  hasSecret: boolean;
  createdAt: Date;
}

type DatastoreRow = { id: string; name: string; kind: string; config: string; secret: string | null; createdAt: Date };

/** What may leave the server: never the secret, only whether one is set. */
export function viewOf(row: DatastoreRow): DatastoreView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DatastoreView["kind"],
    config: JSON.parse(row.config) as Record<string, unknown>,
    hasSecret: row.secret !== null,
    createdAt: row.createdAt,
  };
}

export function specOf(row: DatastoreRow): DatastoreSpec {
  return {
    kind: row.kind as DatastoreSpec["kind"],
    config: JSON.parse(row.config) as unknown,
    secret: row.secret ? (JSON.parse(row.secret) as unknown) : undefined,
  };
}

export interface RegisterDatastoreInput {
  name: string;
  kind: "local" | "azure-blob";
  config: Record<string, unknown>;
  secret?: Record<string, string | undefined>;
}

export async function registerDatastore(db: Db, input: RegisterDatastoreInput): Promise<DatastoreView> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(input.name)) {
    throw invalid(`Datastore name '${input.name}' is not valid: use letters, digits, '-' and '_'`);
  }
  // Opening validates the settings and gives the user's error before anything is stored.
  openDatastore(input.kind, input.config, input.secret);
  if (await db.datastore.findUnique({ where: { name: input.name } })) {
    throw conflict(`A datastore named '${input.name}' already exists`);
  }
  const row = await db.datastore.create({
    data: {
      id: newId("ds"),
      name: input.name,
      kind: input.kind,
      config: JSON.stringify(input.config),
      secret: input.secret && Object.values(input.secret).some(Boolean) ? JSON.stringify(input.secret) : null,
    },
  });
  return viewOf(row);
}

export async function listDatastores(db: Db): Promise<DatastoreView[]> {
  return (await db.datastore.findMany({ where: { archivedAt: null }, orderBy: { name: "asc" } })).map(viewOf);
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

/** The embedded default: a local folder under the data directory, used for outputs. */
export async function ensureDefaultDatastore(db: Db, dataDir: string): Promise<DatastoreView> {
  const existing = await db.datastore.findUnique({ where: { name: DEFAULT_DATASTORE } });
  if (existing) return viewOf(existing);
  return registerDatastore(db, { name: DEFAULT_DATASTORE, kind: "local", config: { root: join(dataDir, "datastore") } });
}
