import { route } from "@/lib/http/route";
import { downloadName, fileStream, outputFile } from "@/lib/services/run-files";

export const dynamic = "force-dynamic";

/** The append_row output as CSV, streamed from disk (millions of rows never sit in memory). */
export const GET = route(async ({ db }, req, { runId }) => {
  const step = new URL(req.url).searchParams.get("step") ?? undefined;
  const out = await outputFile(db, runId!, step);
  return new Response(fileStream(out.path), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Length": String(out.size),
      "Content-Disposition": `attachment; filename="${runId}-${out.step}-${downloadName(out.fileName)}"`,
    },
  });
});
