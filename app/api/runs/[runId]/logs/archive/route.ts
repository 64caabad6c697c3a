import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { logArchive } from "@/lib/services/run-logs";

export const dynamic = "force-dynamic";

/** All log files of the run as .tar.gz, streamed. */
export const GET = handle(routes.logArchive, async ({ db }, { params: { runId } }) => {
  const archive = await logArchive(db, runId);
  return new Response(archive, {
    headers: { "Content-Type": "application/gzip", "Content-Disposition": `attachment; filename="${runId}-logs.tar.gz"` },
  });
});
