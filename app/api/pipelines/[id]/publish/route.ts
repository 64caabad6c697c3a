import { PublishRequest } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import { publishDraft } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

/** Publishes the saved draft as an immutable version; 400 lists the problems that block it. */
export const POST = route(async ({ db }, req, { id }) => {
  const body = await parseBody(req, PublishRequest);
  const v = await publishDraft(db, id!, body.expectedRevision);
  return { version: v.version, versionId: v.versionId, created: v.created, name: v.name };
});
