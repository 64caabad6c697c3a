import { invalid } from "@/lib/errors";
import { intParam } from "@/lib/http/query";
import { route } from "@/lib/http/route";
import { formatDefinition } from "@/lib/pipeline/definition-text";
import { draftDefinition, getPublishedVersion } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

/**
 * The pipeline in the CLI's format (`prs pipeline create <file>`): the draft by default, or a
 * published version with ?version=N. ?format=yaml|json (default json); ?download=1 as a file.
 */
export const GET = route(async ({ db }, req, { id }) => {
  const q = new URL(req.url).searchParams;
  const format = q.get("format") ?? "json";
  if (format !== "json" && format !== "yaml") throw invalid(`format must be json or yaml, got '${format}'`);
  const version = intParam(q, "version", { min: 1 });
  const definition = version !== undefined ? (await getPublishedVersion(db, id!, version)).definition : (await draftDefinition(db, id!)).definition;
  const headers: Record<string, string> = { "content-type": format === "yaml" ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8" };
  if (q.get("download")) headers["content-disposition"] = `attachment; filename="${definition.name}.${format === "yaml" ? "yaml" : "json"}"`;
  return new Response(formatDefinition(definition, format), { headers });
});
