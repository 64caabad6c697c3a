import { route } from "@/lib/http/route";
import { retryFailedMiniBatches } from "@/lib/services/run-control";

export const dynamic = "force-dynamic";

export const POST = route(({ db }, _req, { runId }) => retryFailedMiniBatches(db, runId!));
