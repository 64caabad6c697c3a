import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { publishDraft } from "@/lib/services/drafts";
import { submitRun } from "@/lib/services/runs";

export const dynamic = "force-dynamic";

/** Publishes the draft (a new version only when it changed) and submits a run of that version. */
export const POST = handle(routes.submitDraft, async ({ db, env }, { params, body }) => {
  const v = await publishDraft(db, params.id, body.expectedRevision);
  const run = await submitRun(db, env.dataDir, {
    pipeline: v.name,
    version: v.version,
    experiment: body.experiment,
    parameters: body.parameters,
    regenerateOutputs: body.regenerateOutputs,
  });
  return { runId: run.id, version: v.version };
});
