import { route } from "@/lib/http/route";
import { listLogFiles } from "@/lib/services/run-logs";

export const dynamic = "force-dynamic";

export const GET = route(async ({ db }, _req, { runId }) => ({ files: await listLogFiles(db, runId!) }));
