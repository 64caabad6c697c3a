import { routes } from "@/lib/contracts/api/routes";
import { stampCreatedBy } from "@/lib/auth/audit";
import { handle } from "@/lib/http/route";
import { listRuns, submitRun } from "@/lib/services/runs";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listRuns, async ({ db }, { query }) => {
  const runs = await listRuns(db, { ...query, take: query.take ?? 200 });
  return {
    runs: runs.map((r) => ({
      id: r.id,
      experimentName: r.experimentName,
      pipeline: r.pipeline.name,
      status: r.status,
      statusReason: r.statusReason,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
      startedAt: r.startedAt?.toISOString() ?? null,
      endedAt: r.endedAt?.toISOString() ?? null,
      totalItems: r.steps.reduce((n, s) => n + s.totalItems, 0),
      succeededItems: r.steps.reduce((n, s) => n + s.succeededItems, 0),
      failedItems: r.steps.reduce((n, s) => n + s.failedItems, 0),
    })),
  };
});

export const POST = handle(routes.submitRun, async ({ db, env, actor }, { body }) => {
  const run = await submitRun(db, env.dataDir, body);
  await stampCreatedBy(db, actor, { kind: "run", id: run.id });
  return { id: run.id, experimentName: run.experimentName, status: run.status };
});
