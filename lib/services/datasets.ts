import type { Db } from "../db/client";
import { allocatingVersion } from "../db/retry";
import { TabularOptions } from "../datasets/tabular/options";
import { AppError, invalid } from "../errors";
import { LocalDatastore } from "../datastores/local";
import { compileListPattern } from "../datastores/pattern";
import { newId } from "../ids";
import { resolveDataset, type DatasetKind, type DatasetVersionView } from "../catalog/datasets";
import { openNamedDatastore, type DatastoreAccess } from "../catalog/datastores";

export interface RegisterDatasetInput {
  name: string;
  kind: DatasetKind;
  datastore: string;
  paths: string[];
  options?: unknown;
  description?: string;
}

/** Registers a dataset, or a new version of it when the name exists. */
export async function registerDataset(db: Db, access: DatastoreAccess, input: RegisterDatasetInput): Promise<DatasetVersionView> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(input.name)) {
    throw invalid(`Dataset name '${input.name}' is not valid: use letters, digits, '-', '_' and '.'`);
  }
  if (input.paths.length === 0) throw invalid(`Dataset '${input.name}' needs at least one path or glob`);
  const store = await checkDatasetPaths(db, access, input.name, input.datastore, input.paths);
  let options: TabularOptions | undefined;
  if (input.kind === "tabular") {
    const parsed = TabularOptions.safeParse(input.options ?? { format: "csv" });
    if (!parsed.success) throw invalid(`Tabular options of '${input.name}': ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    options = parsed.data;
  }
  return allocatingVersion(`Dataset '${input.name}'`, () =>
    db.$transaction(async (tx) => {
      // The upsert's update locks the dataset row: concurrent registrations of a name take turns.
      const dataset = await tx.dataset.upsert({
        where: { name: input.name },
        create: { id: newId("dset"), name: input.name, kind: input.kind, description: input.description },
        update: { name: input.name },
      });
      if (dataset.kind !== input.kind) {
        throw invalid(`Dataset '${input.name}' is a ${dataset.kind} dataset; a new version must be too`);
      }
      const last = await tx.datasetVersion.findFirst({ where: { datasetId: dataset.id }, orderBy: { version: "desc" } });
      const row = await tx.datasetVersion.create({
        data: {
          id: newId("dsv"),
          datasetId: dataset.id,
          version: (last?.version ?? 0) + 1,
          datastoreId: store.id,
          paths: JSON.stringify(input.paths),
          options: options ? JSON.stringify(options) : null,
        },
      });
      return {
        id: row.id,
        name: dataset.name,
        kind: input.kind,
        version: row.version,
        datastore: store.name,
        paths: input.paths,
        options,
        description: dataset.description ?? undefined,
        createdAt: row.createdAt,
      };
    }),
  );
}

/**
 * Refuses, as a run would, paths that leave the datastore: "..", absolute paths, and (in a local
 * folder) symbolic links out of it. Nothing is listed: the data may arrive after registration.
 */
async function checkDatasetPaths(db: Db, access: DatastoreAccess, name: string, datastore: string, paths: string[]) {
  const { row, ds } = await openNamedDatastore(db, access, datastore);
  for (const path of paths) {
    try {
      if (ds instanceof LocalDatastore) ds.checkPattern(path);
      else compileListPattern(path);
    } catch (error) {
      if (error instanceof AppError) throw new AppError(error.code, `Dataset '${name}': ${error.message}`);
      throw error;
    }
  }
  return row;
}

export async function listDatasets(db: Db): Promise<DatasetVersionView[]> {
  const datasets = await db.dataset.findMany({ where: { versions: { some: { archivedAt: null } } }, orderBy: { name: "asc" } });
  return Promise.all(datasets.map((d) => resolveDataset(db, d.name)));
}
