import { routes } from "@/lib/contracts/api/routes";
import { stampCreatedBy } from "@/lib/auth/audit";
import { handle } from "@/lib/http/route";
import { publishDraft } from "@/lib/services/drafts";
import { submitRun } from "@/lib/services/runs";

export const dynamic = "force-dynamic";

/** Publishes the draft (a new version only when it changed) and submits a run of that version. */
export const POST = handle(routes.submitDraft, async ({ db, env, actor }, { params, body }) => {
  const v = await publishDraft(db, params.id, body.expectedRevision);
  await stampCreatedBy(db, actor, { kind: "pipelineVersion", id: v.versionId });
  const run = await submitRun(db, env.dataDir, {
    pipeline: v.name,
    version: v.version,
    experiment: body.experiment,
    parameters: body.parameters,
    regenerateOutputs: body.regenerateOutputs,
  });
  await stampCreatedBy(db, actor, { kind: "run", id: run.id });
  return { runId: run.id, version: v.version };
});
