import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { environmentDetailJson, resolveEnvironment } from "@/lib/services/environments";

export const dynamic = "force-dynamic";

export const GET = handle(routes.showEnvironment, async ({ db, env }, { params }) =>
  environmentDetailJson(await resolveEnvironment(db, params.name), env.dataDir),
);
