import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { clusterDeps } from "@/lib/server/cluster";
import { listAgents } from "@/lib/services/agents";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listAgents, async ({ env }) => listAgents(clusterDeps(env.cluster)));
