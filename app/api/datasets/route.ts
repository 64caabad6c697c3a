import { DatasetRequest, type DatasetJson } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import type { DatasetVersionView } from "@/lib/catalog/datasets";
import { listDatasets, registerDataset } from "@/lib/services/datasets";

export const dynamic = "force-dynamic";

const json = (d: DatasetVersionView): DatasetJson => ({ id: d.id, name: d.name, kind: d.kind, version: d.version, datastore: d.datastore, paths: d.paths, description: d.description, createdAt: d.createdAt.toISOString() });

export const GET = route(async ({ db }) => ({ datasets: (await listDatasets(db)).map(json) }));

export const POST = route(async ({ db }, req) => {
  const b = await parseBody(req, DatasetRequest);
  const options = b.kind === "tabular" ? { format: b.format ?? "csv", ...(b.delimiter ? { delimiter: b.delimiter } : {}), ...(b.header !== undefined ? { header: b.header } : {}) } : undefined;
  const view = await registerDataset(db, { name: b.name, kind: b.kind, datastore: b.datastore, paths: b.paths, options, description: b.description });
  return Response.json(json(view), { status: 201 });
});
