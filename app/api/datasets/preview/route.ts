import { DatasetPreviewRequest } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import { previewDataset } from "@/lib/services/dataset-preview";

export const dynamic = "force-dynamic";

/** What a dataset definition would match (first files, count) and, for tabular data, its first rows. */
export const POST = route(async ({ db }, req) => previewDataset(db, await parseBody(req, DatasetPreviewRequest)));
