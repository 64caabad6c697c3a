import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { clusterDeps } from "@/lib/server/cluster";
import { commandAgent } from "@/lib/services/agents";

export const dynamic = "force-dynamic";

export const POST = handle(routes.stopAgent, async ({ env }, { params }) => commandAgent(clusterDeps(env.cluster), params.id, "stop"));
