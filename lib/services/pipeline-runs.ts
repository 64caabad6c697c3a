import type { PipelineRunJson } from "../contracts/api/designer-routes";
import type { Db } from "../db/client";
import { getPipelineDraft } from "./drafts";
import { runSummaryJson } from "./run-summary";

/** Runs of one pipeline, every version, newest first: the designer's Runs tab. */
export async function listPipelineRuns(db: Db, pipelineId: string, take = 100): Promise<PipelineRunJson[]> {
  const pipeline = await getPipelineDraft(db, pipelineId);
  const runs = await db.pipelineRun.findMany({
    where: { pipelineId: pipeline.id },
    orderBy: { createdAt: "desc" },
    take,
    include: { steps: { select: { totalItems: true, succeededItems: true, failedItems: true } }, pipelineVersion: { select: { version: true } } },
  });
  return runs.map((r) => ({ ...runSummaryJson(r), pipelineVersion: r.pipelineVersion.version }));
}
