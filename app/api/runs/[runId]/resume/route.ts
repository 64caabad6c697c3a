import { route } from "@/lib/http/route";
import { resumeRunAndNotify } from "@/lib/services/run-control";

export const dynamic = "force-dynamic";

export const POST = route(async ({ db }, _req, { runId }) => {
  const run = await resumeRunAndNotify(db, runId!);
  return { id: run.id, status: run.status };
});
