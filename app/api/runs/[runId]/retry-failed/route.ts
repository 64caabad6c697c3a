import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { retryFailedMiniBatches } from "@/lib/services/run-control";

export const dynamic = "force-dynamic";

export const POST = handle(routes.retryFailed, ({ db }, { params }) => retryFailedMiniBatches(db, params.runId));
