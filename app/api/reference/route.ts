import { openApiDocument } from "@/lib/contracts/api/openapi";
import { routes } from "@/lib/contracts/api/routes";
import { apiReferenceHtml } from "@/lib/http/api-reference";

export const dynamic = "force-static";

/** The API reference as a page, generated from the same document as /api/openapi.json. */
export function GET() {
  return new Response(apiReferenceHtml(openApiDocument(), routes.openapi.path), { headers: { "content-type": "text/html; charset=utf-8" } });
}
