import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { previewOutput } from "@/lib/services/run-files";

export const dynamic = "force-dynamic";

export const GET = handle(routes.previewOutput, ({ db }, { params, query }) => previewOutput(db, params.runId, query.step, query.rows));
