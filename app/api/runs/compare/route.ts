import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { compareRuns } from "@/lib/services/run-compare";

export const dynamic = "force-dynamic";

export const GET = handle(routes.compareRuns, ({ db }, { query }) => compareRuns(db, query.a, query.b, query.step));
