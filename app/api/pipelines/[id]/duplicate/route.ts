import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { draftJson, duplicatePipeline } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

export const POST = handle(routes.duplicatePipeline, async ({ db }, { params, body }) => draftJson(await duplicatePipeline(db, params.id, body)));
