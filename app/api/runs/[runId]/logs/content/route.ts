import { invalid } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { readLogChunk } from "@/lib/services/run-files";

export const dynamic = "force-dynamic";

export const GET = route(({ db }, req, { runId }) => {
  const params = new URL(req.url).searchParams;
  const step = params.get("step");
  const path = params.get("path");
  if (!step || !path) throw invalid("Add ?step=<step>&path=<log file> to read a log file");
  const offset = params.get("offset");
  return readLogChunk(db, runId!, step, path, offset === null ? undefined : Math.max(0, Number(offset) || 0));
});
