import { routes } from "@/lib/contracts/api/routes";
import { stampCreatedBy } from "@/lib/auth/audit";
import { handle } from "@/lib/http/route";
import { runSummaryJson } from "@/lib/services/run-summary";
import { listRuns, submitRun } from "@/lib/services/runs";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listRuns, async ({ db }, { query }) => {
  const runs = await listRuns(db, { ...query, take: query.take ?? 200 });
  return {
    runs: runs.map((r) => ({ ...runSummaryJson(r), pipeline: r.pipeline.name, statusReason: r.statusReason })),
  };
});

export const POST = handle(routes.submitRun, async ({ db, env, actor }, { body }) => {
  const run = await submitRun(db, env.dataDir, body);
  await stampCreatedBy(db, actor, { kind: "run", id: run.id });
  return { id: run.id, experimentName: run.experimentName, status: run.status };
});
