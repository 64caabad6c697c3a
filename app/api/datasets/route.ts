import type { DatasetJson } from "@/lib/contracts/designer-api";
import { routes } from "@/lib/contracts/api/routes";
import { stampCreatedBy } from "@/lib/auth/audit";
import { handle } from "@/lib/http/route";
import type { DatasetVersionView } from "@/lib/catalog/datasets";
import { listDatasets, registerDataset } from "@/lib/services/datasets";

export const dynamic = "force-dynamic";

const json = (d: DatasetVersionView): DatasetJson => ({
  id: d.id,
  name: d.name,
  kind: d.kind,
  version: d.version,
  datastore: d.datastore,
  paths: d.paths,
  description: d.description,
  createdAt: d.createdAt.toISOString(),
});

export const GET = handle(routes.listDatasets, async ({ db }) => ({ datasets: (await listDatasets(db)).map(json) }));

export const POST = handle(routes.registerDataset, async ({ db, access, actor }, { body: b }) => {
  const options =
    b.kind === "tabular"
      ? { format: b.format ?? "csv", ...(b.delimiter ? { delimiter: b.delimiter } : {}), ...(b.header !== undefined ? { header: b.header } : {}) }
      : undefined;
  const view = await registerDataset(db, access, { name: b.name, kind: b.kind, datastore: b.datastore, paths: b.paths, options, description: b.description });
  await stampCreatedBy(db, actor, { kind: "datasetVersion", name: view.name, version: view.version });
  return json(view);
});
