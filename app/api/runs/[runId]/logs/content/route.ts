import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { readLogChunk } from "@/lib/services/run-logs";

export const dynamic = "force-dynamic";

export const GET = handle(routes.readLog, ({ db }, { params, query }) => readLogChunk(db, params.runId, query.step, query.path, query.offset));
