import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { previewDataset } from "@/lib/services/dataset-preview";

export const dynamic = "force-dynamic";

/** What a dataset definition would match (first files, count) and, for tabular data, its first rows. */
export const POST = handle(routes.previewDataset, ({ db, access }, { body }) => previewDataset(db, access, body));
