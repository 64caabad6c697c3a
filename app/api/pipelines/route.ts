import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { definitionToCanvas } from "@/lib/pipeline/canvas";
import { parseDefinitionText } from "@/lib/pipeline/definition-text";
import { createPipelineDraft, draftJson, listPipelineSummaries, summaryJson } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listPipelines, async ({ db }, { query }) => ({ pipelines: (await listPipelineSummaries(db, query.search)).map(summaryJson) }));

export const POST = handle(routes.createPipeline, async ({ db }, { body }) => {
  const canvas = body.definitionText ? definitionToCanvas(parseDefinitionText(body.definitionText)) : undefined;
  return draftJson(await createPipelineDraft(db, { name: body.name, description: body.description, canvas }));
});
