import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { routes } from "@/lib/contracts/api/routes";
import { readMultipart } from "@/lib/http/body";
import { handle } from "@/lib/http/route";
import { getPipelineDraft } from "@/lib/services/drafts";
import { listScriptFolders } from "@/lib/services/script-folder-list";
import { MAX_SCRIPT_BYTES, MAX_SCRIPT_FILES, storeScriptFolder } from "@/lib/services/script-folders";

export const dynamic = "force-dynamic";

/** Uploads an entry-script folder (multipart, one `files` part per file, named by relative path). */
export const POST = handle(routes.uploadScripts, async ({ db, env }, { params }, req) => {
  const pipeline = await getPipelineDraft(db, params.id);
  mkdirSync(join(env.dataDir, "uploads"), { recursive: true });
  const dir = mkdtempSync(join(env.dataDir, "uploads", "scripts-"));
  try {
    const form = await readMultipart(req, dir, {
      what: "A script folder upload",
      maxFiles: MAX_SCRIPT_FILES,
      maxFileBytes: MAX_SCRIPT_BYTES,
      maxTotalBytes: MAX_SCRIPT_BYTES,
      maxFields: 10,
      preservePath: true,
    });
    const files = form.files.filter((f) => f.field === "files").map((f) => ({ name: f.fileName, path: f.path }));
    return await storeScriptFolder(env.dataDir, pipeline.id, files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The script folders uploaded for the pipeline, with their files (the designer's entry-script picker). */
export const GET = handle(routes.listScriptFolders, async ({ db, env }, { params }) => {
  const pipeline = await getPipelineDraft(db, params.id);
  return { folders: listScriptFolders(env.dataDir, pipeline.id) };
});
