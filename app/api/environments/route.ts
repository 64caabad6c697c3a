import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { environmentJson, listEnvironments, registerEnvironment } from "@/lib/services/environments";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listEnvironments, async ({ db, env }) => ({
  environments: (await listEnvironments(db)).map((view) => environmentJson(view, env.dataDir)),
}));

export const POST = handle(routes.registerEnvironment, async ({ db, env }, { body }) =>
  environmentJson((await registerEnvironment(db, body)).view, env.dataDir),
);
