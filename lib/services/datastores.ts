import { mkdirSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { DatastoreConfig, DatastoreKind } from "../contracts/designer-api";
import type { Db } from "../db/client";
import { parseColumn } from "../db/columns";
import { conflict, invalid } from "../errors";
import { newId } from "../ids";
import { openDatastore } from "../datastores/index";
import { checkLocalRoot } from "../datastores/local-roots";
import { defaultDatastoreRoot } from "../env";
import { DEFAULT_DATASTORE, sealSecret, type DatastoreAccess, type DatastoreRow } from "../catalog/datastores";

export interface DatastoreView {
  id: string;
  name: string;
  kind: "local" | "azure-blob";
  config: Record<string, unknown>;
  hasSecret: boolean;
  createdAt: Date;
}

/** What may leave the server: never the secret, only whether one is set. */
export function viewOf(row: DatastoreRow): DatastoreView {
  return {
    id: row.id,
    name: row.name,
    kind: DatastoreKind.parse(row.kind),
    config: parseColumn(DatastoreConfig, row.config, `Config of datastore ${row.name}`),
    hasSecret: row.secret !== null,
    createdAt: row.createdAt,
  };
}

export interface RegisterDatastoreInput {
  name: string;
  kind: "local" | "azure-blob";
  config: Record<string, unknown>;
  secret?: Record<string, string | undefined>;
}

/**
 * Registers a datastore; a local root must be an absolute path to a folder that exists, inside the
 * allowed roots; a secret is stored encrypted.
 */
export async function registerDatastore(db: Db, access: DatastoreAccess, input: RegisterDatastoreInput): Promise<DatastoreView> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(input.name)) {
    throw invalid(`Datastore name '${input.name}' is not valid: use letters, digits, '-' and '_'`);
  }
  // Opening validates the settings and gives the user's error before anything is stored.
  openDatastore(input.kind, input.config, input.secret);
  if (input.kind === "local") {
    refuseRelativeRoot(String(input.config.root));
    checkLocalRoot(String(input.config.root), access);
    checkExistingFolder(String(input.config.root));
  }
  if (await db.datastore.findUnique({ where: { name: input.name } })) {
    throw conflict(`A datastore named '${input.name}' already exists`);
  }
  const id = newId("ds");
  const hasSecret = input.secret && Object.values(input.secret).some(Boolean);
  const row = await db.datastore.create({
    data: { id, name: input.name, kind: input.kind, config: JSON.stringify(input.config), secret: hasSecret ? sealSecret(access, id, input.secret) : null },
  });
  return viewOf(row);
}

/** A relative root would depend on the folder the server was started from. */
export function refuseRelativeRoot(root: string): void {
  if (!isAbsolute(root)) throw invalid(`local datastore root '${root}' is relative: give the folder's absolute path (for example /srv/data/images)`);
}

/** What the register form asks of a local folder: an absolute path to a folder that exists now. */
export function checkExistingFolder(root: string): void {
  refuseRelativeRoot(root);
  let folder = false;
  try {
    folder = statSync(root).isDirectory();
  } catch {
    throw invalid(`local datastore root '${root}' does not exist: create the folder first, or correct the path`);
  }
  if (!folder) throw invalid(`local datastore root '${root}' is a file, not a folder`);
}

export async function listDatastores(db: Db): Promise<DatastoreView[]> {
  return (await db.datastore.findMany({ where: { archivedAt: null }, orderBy: { name: "asc" } })).map(viewOf);
}

/** The default datastore, created on first start as a local folder under the data directory. */
export async function ensureDefaultDatastore(db: Db, access: DatastoreAccess): Promise<DatastoreView> {
  const existing = await db.datastore.findUnique({ where: { name: DEFAULT_DATASTORE } });
  if (existing) return viewOf(existing);
  mkdirSync(defaultDatastoreRoot(access.dataDir), { recursive: true });
  return registerDatastore(db, access, { name: DEFAULT_DATASTORE, kind: "local", config: { root: defaultDatastoreRoot(access.dataDir) } });
}
