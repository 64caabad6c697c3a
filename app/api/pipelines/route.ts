import { CreatePipelineRequest } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import { definitionToCanvas } from "@/lib/pipeline/canvas";
import { parseDefinitionText } from "@/lib/pipeline/definition-text";
import { createPipelineDraft, listPipelineSummaries } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

export const GET = route(async ({ db }, req) => ({ pipelines: await listPipelineSummaries(db, new URL(req.url).searchParams.get("search") ?? undefined) }));

export const POST = route(async ({ db }, req) => {
  const body = await parseBody(req, CreatePipelineRequest);
  const canvas = body.definitionText ? definitionToCanvas(parseDefinitionText(body.definitionText)) : undefined;
  return Response.json(await createPipelineDraft(db, { name: body.name, description: body.description, canvas }), { status: 201 });
});
