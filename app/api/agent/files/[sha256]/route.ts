import { agentFileResponse, isAgentSecret } from "@/lib/cluster/file-route";
import { authorize } from "@/lib/http/auth";
import { route } from "@/lib/http/route";
import { clusterDeps } from "@/lib/server/cluster";

export const dynamic = "force-dynamic";

/**
 * An entry script file, model or side input an agent fetches by SHA-256: the agent sends
 * `Authorization: Bearer` with an API token (PRS_TOKEN, viewer or above) or the studio's
 * PRS_AGENT_SECRET.
 */
export const GET = route(async (ctx, req, params) => {
  if (!isAgentSecret(req.headers.get("authorization"), ctx.env.cluster?.agentSecret)) await authorize(ctx, req, "viewer");
  return agentFileResponse(clusterDeps(ctx.env.cluster), params.sha256 ?? "");
});
