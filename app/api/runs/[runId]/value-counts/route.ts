import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { countOutputValues } from "@/lib/services/run-files";

export const dynamic = "force-dynamic";

export const GET = handle(routes.valueCounts, ({ db }, { params, query }) => countOutputValues(db, params.runId, query.step, query.column));
