import { routes } from "@/lib/contracts/api/routes";
import { stampCreatedBy } from "@/lib/auth/audit";
import { handle } from "@/lib/http/route";
import { publishDraft } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

/** Publishes the saved draft as an immutable version; 400 lists the problems that block it. */
export const POST = handle(routes.publishPipeline, async ({ db, actor }, { params, body }) => {
  const v = await publishDraft(db, params.id, body.expectedRevision);
  await stampCreatedBy(db, actor, { kind: "pipelineVersion", id: v.versionId });
  return { version: v.version, versionId: v.versionId, created: v.created, name: v.name };
});
