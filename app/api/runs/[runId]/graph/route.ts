import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { runGraph } from "@/lib/services/run-insights";

export const dynamic = "force-dynamic";

export const GET = handle(routes.runGraph, ({ db }, { params }) => runGraph(db, params.runId));
