import { routes } from "@/lib/contracts/api/routes";
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
      createdAt: r.createdAt.toISOString(),
      startedAt: r.startedAt?.toISOString() ?? null,
      endedAt: r.endedAt?.toISOString() ?? null,
      totalItems: r.steps.reduce((n, s) => n + s.totalItems, 0),
      succeededItems: r.steps.reduce((n, s) => n + s.succeededItems, 0),
      failedItems: r.steps.reduce((n, s) => n + s.failedItems, 0),
    })),
  };
});

export const POST = handle(routes.submitRun, async ({ db, env }, { body }) => {
  const run = await submitRun(db, env.dataDir, body);
  return { id: run.id, experimentName: run.experimentName, status: run.status };
});
