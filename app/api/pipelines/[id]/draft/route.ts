import { SaveDraftRequest } from "@/lib/contracts/designer-api";
import { parseBody, route } from "@/lib/http/route";
import { saveDraft } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

/** Saves the draft canvas; 409 when another tab saved since `expectedRevision`. */
export const PUT = route(async ({ db }, req, { id }) => saveDraft(db, id!, await parseBody(req, SaveDraftRequest)));
