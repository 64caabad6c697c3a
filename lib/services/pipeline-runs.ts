import type { PipelineRunJson } from "../contracts/api/designer-routes";
import type { Db } from "../db/client";
import { getPipelineDraft } from "./drafts";

/** Runs of one pipeline, every version, newest first: the designer's Runs tab. */
export async function listPipelineRuns(db: Db, pipelineId: string, take = 100): Promise<PipelineRunJson[]> {
  const pipeline = await getPipelineDraft(db, pipelineId);
  const runs = await db.pipelineRun.findMany({
    where: { pipelineId: pipeline.id },
    orderBy: { createdAt: "desc" },
    take,
    include: { steps: { select: { totalItems: true, succeededItems: true, failedItems: true } }, pipelineVersion: { select: { version: true } } },
  });
  return runs.map((r) => ({
    id: r.id,
    pipelineVersion: r.pipelineVersion.version,
    experimentName: r.experimentName,
    status: r.status,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    endedAt: r.endedAt?.toISOString() ?? null,
    totalItems: r.steps.reduce((n, s) => n + s.totalItems, 0),
    succeededItems: r.steps.reduce((n, s) => n + s.succeededItems, 0),
    failedItems: r.steps.reduce((n, s) => n + s.failedItems, 0),
  }));
}
