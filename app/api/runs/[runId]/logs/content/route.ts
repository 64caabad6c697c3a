import { invalid } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { intParam, textParam } from "@/lib/http/query";
import { readLogChunk } from "@/lib/services/run-logs";

export const dynamic = "force-dynamic";

export const GET = route(({ db }, req, { runId }) => {
  const params = new URL(req.url).searchParams;
  const step = textParam(params, "step");
  const path = textParam(params, "path", 1024);
  if (!step || !path) throw invalid("Add ?step=<step>&path=<log file> to read a log file");
  return readLogChunk(db, runId!, step, path, intParam(params, "offset", { max: Number.MAX_SAFE_INTEGER }));
});
