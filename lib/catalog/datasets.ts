import { z } from "zod";
import type { Db } from "../db/client";
import { parseColumn } from "../db/columns";
import { TabularOptions } from "../datasets/tabular/options";
import { notFound } from "../errors";
import { parseVersionedName } from "../contracts/common";
import { DatasetKind } from "../contracts/designer-api";

export type { DatasetKind };

export interface DatasetVersionView {
  id: string;
  name: string;
  kind: DatasetKind;
  version: number;
  datastore: string;
  paths: string[];
  options?: TabularOptions;
  description?: string;
  createdAt: Date;
}

/** "mnist" (latest) or "mnist:2". */
export async function resolveDataset(db: Db, ref: string): Promise<DatasetVersionView> {
  const { name, version } = parseVersionedName(ref);
  const dataset = await db.dataset.findUnique({ where: { name } });
  if (!dataset) throw notFound(`Dataset '${name}' is not registered (see \`prs dataset list\`)`);
  const row = await db.datasetVersion.findFirst({
    where: { datasetId: dataset.id, ...(version ? { version } : { archivedAt: null }) },
    orderBy: { version: "desc" },
    include: { datastore: true },
  });
  if (!row) throw notFound(version ? `Dataset '${name}' has no version ${version}` : `Dataset '${name}' has no version left (all were deleted)`);
  if (row.archivedAt) throw notFound(`Dataset '${name}:${version}' was deleted (archived: the runs that used it keep their history)`);
  return {
    id: row.id,
    name: dataset.name,
    kind: DatasetKind.parse(dataset.kind),
    version: row.version,
    datastore: row.datastore.name,
    paths: parseColumn(z.array(z.string()), row.paths, `Paths of dataset ${dataset.name}:${row.version}`),
    options: row.options ? parseColumn(TabularOptions, row.options, `Options of dataset ${dataset.name}:${row.version}`) : undefined,
    description: dataset.description ?? undefined,
    createdAt: row.createdAt,
  };
}
