import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { formatDefinition } from "@/lib/pipeline/definition-text";
import { draftDefinition, getPublishedVersion } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

/**
 * The pipeline in the CLI's format (`prs pipeline create <file>`): the draft by default, or a
 * published version with ?version=N. ?format=yaml|json (default json); ?download=1 as a file.
 */
export const GET = handle(routes.pipelineDefinition, async ({ db }, { params, query }) => {
  const format = query.format ?? "json";
  const definition =
    query.version !== undefined ? (await getPublishedVersion(db, params.id, query.version)).definition : (await draftDefinition(db, params.id)).definition;
  const headers: Record<string, string> = { "content-type": format === "yaml" ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8" };
  if (query.download) headers["content-disposition"] = `attachment; filename="${definition.name}.${format}"`;
  return new Response(formatDefinition(definition, format), { headers });
});
