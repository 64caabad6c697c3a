import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { deletePipelineById, draftJson, getPipelineDraft, renamePipeline } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

export const GET = handle(routes.getPipeline, async ({ db }, { params }) => draftJson(await getPipelineDraft(db, params.id)));

export const PATCH = handle(routes.renamePipeline, async ({ db }, { params, body }) => draftJson(await renamePipeline(db, params.id, body)));

export const DELETE = handle(routes.deletePipeline, async ({ db }, { params }) => {
  const { archived } = await deletePipelineById(db, params.id);
  return { deleted: params.id, archived };
});
