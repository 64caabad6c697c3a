import { RenamePipelineRequest } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import { deletePipelineById, getPipelineDraft, renamePipeline } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

export const GET = route(({ db }, _req, { id }) => getPipelineDraft(db, id!));

export const PATCH = route(async ({ db }, req, { id }) => renamePipeline(db, id!, await parseBody(req, RenamePipelineRequest)));

export const DELETE = route(async ({ db }, _req, { id }) => {
  const { archived } = await deletePipelineById(db, id!);
  return { deleted: id, archived };
});
