import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { outputPage } from "@/lib/services/output-table";

export const dynamic = "force-dynamic";

export const GET = handle(routes.outputRows, ({ db }, { params, query }) => outputPage(db, params.runId, query));
