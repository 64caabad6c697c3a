import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { stepTiming } from "@/lib/services/run-insights";

export const dynamic = "force-dynamic";

export const GET = handle(routes.stepTiming, ({ db }, { params, query }) => stepTiming(db, params.runId, query.step));
