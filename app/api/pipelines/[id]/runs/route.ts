import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { listPipelineRuns } from "@/lib/services/pipeline-runs";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listPipelineRuns, async ({ db }, { params }) => ({ runs: await listPipelineRuns(db, params.id) }));
