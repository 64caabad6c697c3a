import { route } from "@/lib/http/route";
import { countOutputValues } from "@/lib/services/run-files";

export const dynamic = "force-dynamic";

export const GET = route(({ db }, req, { runId }) => {
  const params = new URL(req.url).searchParams;
  return countOutputValues(db, runId!, params.get("step") ?? undefined, params.get("column") ?? undefined);
});
