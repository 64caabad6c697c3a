import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { downloadName, fileStream, outputFile } from "@/lib/services/run-files";

export const dynamic = "force-dynamic";

/** The append_row output as CSV, streamed from disk (millions of rows never sit in memory). */
export const GET = handle(routes.downloadOutput, async ({ db }, { params: { runId }, query }) => {
  const out = await outputFile(db, runId, query.step);
  return new Response(fileStream(out.path), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Length": String(out.size),
      "Content-Disposition": `attachment; filename="${runId}-${out.step}-${downloadName(out.fileName)}"`,
    },
  });
});
