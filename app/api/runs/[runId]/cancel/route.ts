import { route } from "@/lib/http/route";
import { cancelRunAndNotify } from "@/lib/services/run-control";

export const dynamic = "force-dynamic";

export const POST = route(async ({ db }, _req, { runId }) => {
  const run = await cancelRunAndNotify(db, runId!);
  return { id: run.id, status: run.status };
});
