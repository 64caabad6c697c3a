import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { definitionToCanvas } from "@/lib/pipeline/canvas";
import { parseDefinitionText } from "@/lib/pipeline/definition-text";

export const dynamic = "force-dynamic";

/** A definition file (CLI format) -> the canvas that draws it; nothing is stored. */
export const POST = handle(routes.importDefinition, async (_ctx, { body }) => {
  const definition = parseDefinitionText(body.text, body.format);
  return { definition, canvas: definitionToCanvas(definition) };
});
