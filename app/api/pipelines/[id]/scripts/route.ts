import { route } from "@/lib/http/route";
import { storeScriptFolder } from "@/lib/services/script-folders";
import { getPipelineDraft } from "@/lib/services/drafts";

export const dynamic = "force-dynamic";

/** Uploads an entry-script folder (multipart, one `files` part per file, named by relative path). */
export const POST = route(async ({ db, env }, req, { id }) => {
  const pipeline = await getPipelineDraft(db, id!);
  const form = await req.formData();
  const files = form.getAll("files").filter((f): f is File => typeof f !== "string");
  const stored = await storeScriptFolder(env.dataDir, pipeline.id, files.map((f) => ({ name: f.name, data: f })));
  return Response.json(stored, { status: 201 });
});
