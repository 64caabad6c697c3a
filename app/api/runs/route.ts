import { RunListQuery, SubmitRunRequest, type RunSummary } from "@/lib/contracts/run-api";
import { parseOrThrow } from "@/lib/contracts/format";
import { parseBody, route } from "@/lib/http/route";
import { listRuns, submitRun } from "@/lib/services/runs";

export const dynamic = "force-dynamic";

export const GET = route(async ({ db }, req): Promise<{ runs: RunSummary[] }> => {
  const query = parseOrThrow(RunListQuery, Object.fromEntries(new URL(req.url).searchParams), "Run list query");
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

export const POST = route(async ({ db, env }, req) => {
  const body = await parseBody(req, SubmitRunRequest);
  const run = await submitRun(db, env.dataDir, body);
  return Response.json({ id: run.id, experimentName: run.experimentName, status: run.status }, { status: 201 });
});
