import { route } from "@/lib/http/route";
import { previewOutput } from "@/lib/services/run-files";

export const dynamic = "force-dynamic";

export const GET = route(({ db }, req, { runId }) => {
  const params = new URL(req.url).searchParams;
  const rows = Math.min(100, Math.max(1, Number(params.get("rows") ?? 10) || 10));
  return previewOutput(db, runId!, params.get("step") ?? undefined, rows);
});
