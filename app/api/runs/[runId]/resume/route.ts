import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { resumeRunAndNotify } from "@/lib/services/run-control";

export const dynamic = "force-dynamic";

export const POST = handle(routes.resumeRun, async ({ db, env }, { params }) => {
  const run = await resumeRunAndNotify(db, params.runId, env.leaseMs);
  return { id: run.id, status: run.status };
});
