import { SubmitDraftRequest } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import { publishDraft } from "@/lib/services/drafts";
import { submitRun } from "@/lib/services/runs";

export const dynamic = "force-dynamic";

/** Publishes the draft (a new version only when it changed) and submits a run of that version. */
export const POST = route(async ({ db, env }, req, { id }) => {
  const body = await parseBody(req, SubmitDraftRequest);
  const v = await publishDraft(db, id!, body.expectedRevision);
  const run = await submitRun(db, env.dataDir, { pipeline: v.name, version: v.version, experiment: body.experiment, parameters: body.parameters, regenerateOutputs: body.regenerateOutputs });
  return Response.json({ runId: run.id, version: v.version }, { status: 201 });
});
