import { NextResponse } from "next/server";
import { agentFileResponse, isAgentSecret } from "@/lib/cluster/file-route";
import { route } from "@/lib/http/route";
import { clusterDeps } from "@/lib/server/cluster";

export const dynamic = "force-dynamic";

/** An entry script file, model or side input an agent fetches by SHA-256 (Bearer PRS_AGENT_SECRET). */
export const GET = route(async (ctx, req, params) => {
  if (!isAgentSecret(req.headers.get("authorization"), ctx.env.cluster?.agentSecret)) {
    return NextResponse.json({ error: "Agents send Authorization: Bearer <PRS_AGENT_SECRET> (the studio's PRS_AGENT_SECRET)" }, { status: 401 });
  }
  return agentFileResponse(clusterDeps(ctx.env.cluster), params.sha256 ?? "");
});
