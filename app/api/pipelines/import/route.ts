import { ImportDefinitionRequest } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import { definitionToCanvas } from "@/lib/pipeline/canvas";
import { parseDefinitionText } from "@/lib/pipeline/definition-text";

export const dynamic = "force-dynamic";

/** A definition file (CLI format) -> the canvas that draws it; nothing is stored. */
export const POST = route(async (_ctx, req) => {
  const body = await parseBody(req, ImportDefinitionRequest);
  const definition = parseDefinitionText(body.text, body.format);
  return { definition, canvas: definitionToCanvas(definition) };
});
