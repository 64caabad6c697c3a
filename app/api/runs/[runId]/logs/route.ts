import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { listLogFiles } from "@/lib/services/run-logs";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listLogs, async ({ db }, { params }) => ({ files: await listLogFiles(db, params.runId) }));
