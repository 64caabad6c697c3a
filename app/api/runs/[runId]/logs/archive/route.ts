import { route } from "@/lib/http/route";
import { logArchive } from "@/lib/services/run-files";

export const dynamic = "force-dynamic";

/** All log files of the run as .tar.gz, streamed. */
export const GET = route(async ({ db }, _req, { runId }) => {
  const tar = await logArchive(db, runId!);
  return new Response(tar.pipeThrough(new CompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>), {
    headers: { "Content-Type": "application/gzip", "Content-Disposition": `attachment; filename="${runId}-logs.tar.gz"` },
  });
});
