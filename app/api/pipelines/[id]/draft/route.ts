import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { saveDraft } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

/** Saves the draft canvas; 409 when another tab saved since `expectedRevision`. */
export const PUT = handle(routes.saveDraft, async ({ db }, { params, body }) => {
  const saved = await saveDraft(db, params.id, body);
  return { revision: saved.revision, updatedAt: saved.updatedAt.toISOString() };
});
