import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { cancelRunAndNotify } from "@/lib/services/run-control";

export const dynamic = "force-dynamic";

export const POST = handle(routes.cancelRun, async ({ db }, { params }) => {
  const run = await cancelRunAndNotify(db, params.runId);
  return { id: run.id, status: run.status };
});
