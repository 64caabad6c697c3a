import { openApiDocument } from "@/lib/contracts/api/openapi";

export const dynamic = "force-static";

/** Built from the route map alone: answers even when the database is down. */
export function GET() {
  return Response.json(openApiDocument());
}
