import { DuplicatePipelineRequest } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import { duplicatePipeline } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

export const POST = route(async ({ db }, req, { id }) => Response.json(await duplicatePipeline(db, id!, await parseBody(req, DuplicatePipelineRequest)), { status: 201 }));
