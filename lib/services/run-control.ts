import { rmSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { Db } from "../db/client";
import { PipelineDefinition } from "../contracts/pipeline";
import { conflict } from "../errors";
import { appendRunEvents } from "./run-events";
import { leaseExpired } from "../engine/claim";
import { cancelRun, getRun, resumeRun } from "./runs";

/** Cancel, telling the run's viewers at once (the orchestrator confirms with `cancelled`). */
export async function cancelRunAndNotify(db: Db, runId: string) {
  const run = await cancelRun(db, runId);
  await appendRunEvents(db, [{ type: "run_status", runId, status: run.status, reason: run.statusReason ?? undefined }]);
  return run;
}

/** Resume: only unfinished and failed mini-batches run again. */
export async function resumeRunAndNotify(db: Db, runId: string, leaseMs?: number) {
  const run = await resumeRun(db, runId, leaseMs);
  await appendRunEvents(db, [{ type: "run_status", runId, status: "queued", reason: "Resumed: the unfinished mini-batches run again." }]);
  return run;
}

/**
 * Queues a finished run again to retry only its failed mini-batches (with a fresh set of tries).
 * Steps downstream of a retried step read its output, so they are planned and run again.
 */
export async function retryFailedMiniBatches(db: Db, runId: string) {
  const run = await getRun(db, runId);
  if (run.status !== "completed" && run.status !== "failed" && run.status !== "cancelled") {
    throw conflict(`Run ${runId} is ${run.status}; failed mini-batches can be retried once it has ended`);
  }
  const failed = await db.miniBatch.groupBy({ by: ["stepRunId"], where: { stepRun: { runId }, status: "failed" }, _count: { _all: true } });
  if (failed.length === 0) throw conflict(`Run ${runId} has no failed mini-batches to retry`);
  const definition = PipelineDefinition.parse(JSON.parse((await db.pipelineVersion.findUniqueOrThrow({ where: { id: run.pipelineVersionId } })).definition));
  const retriedSteps = new Set(run.steps.filter((s) => failed.some((f) => f.stepRunId === s.id)).map((s) => s.stepName));
  const downstream = dependentsOf(definition, retriedSteps);
  const replanned = run.steps.filter((s) => downstream.has(s.stepName));
  const count = failed.reduce((n, f) => n + f._count._all, 0);

  // Downstream outputs were made from the old upstream output: drop them, they are planned anew.
  for (const step of replanned) rmSync(join(run.runDir, step.stepName, "segments"), { recursive: true, force: true });
  await db.$transaction([
    db.miniBatch.updateMany({ where: { stepRun: { runId }, status: "failed" }, data: { status: "pending", attempts: 0, failedItems: 0, lastError: null } }),
    db.miniBatch.deleteMany({ where: { stepRunId: { in: replanned.map((s) => s.id) } } }),
    db.stepRun.updateMany({
      where: { id: { in: replanned.map((s) => s.id) } },
      data: {
        status: "pending",
        reuseKey: "",
        totalMiniBatches: 0,
        totalItems: 0,
        succeededMiniBatches: 0,
        failedMiniBatches: 0,
        succeededItems: 0,
        failedItems: 0,
        retries: 0,
        endedAt: null,
        statusReason: null,
      },
    }),
    db.stepRun.updateMany({ where: { runId, stepName: { in: [...retriedSteps] } }, data: { status: "pending", endedAt: null, statusReason: null } }),
    db.pipelineRun.update({ where: { id: runId }, data: { status: "queued", statusReason: null, endedAt: null, claimedBy: null } }),
  ]);
  await appendRunEvents(db, [{ type: "run_status", runId, status: "queued", reason: `Retrying ${count} failed mini-batch${count === 1 ? "" : "es"}.` }]);
  return { runId, miniBatches: count, steps: [...retriedSteps], replannedSteps: replanned.map((s) => s.stepName) };
}

function dependentsOf(definition: PipelineDefinition, roots: Set<string>): Set<string> {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const step of definition.steps) {
      if (out.has(step.name) || roots.has(step.name)) continue;
      if (step.inputs.some((i) => "step" in i && (roots.has(i.step) || out.has(i.step)))) {
        out.add(step.name);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * Deletes a run that is not running: its rows, events, logs and the outputs written for it.
 * Outputs in a folder the pipeline names (not `runs/<run id>/...`) are kept.
 */
export async function deleteRun(db: Db, dataDir: string, runId: string, leaseMs?: number) {
  const run = await getRun(db, runId);
  const active = run.status === "running" || run.status === "cancelling";
  if (active && !leaseExpired(run.heartbeatAt, leaseMs)) throw conflict(`Run ${runId} is ${run.status}; cancel it before deleting it`);
  await db.$transaction([
    db.miniBatch.deleteMany({ where: { stepRun: { runId } } }),
    db.stepRun.deleteMany({ where: { runId } }),
    db.runEvent.deleteMany({ where: { runId } }),
    db.pipelineRun.delete({ where: { id: runId } }),
  ]);
  const root = resolve(dataDir);
  const inside = (path: string) => resolve(path).startsWith(root + sep);
  if (inside(run.runDir) && run.runDir.includes(runId)) rmSync(run.runDir, { recursive: true, force: true });
  for (const step of run.steps) {
    if (inside(step.outputDir) && step.outputDir.includes(runId)) rmSync(step.outputDir, { recursive: true, force: true });
  }
  return { deleted: runId };
}
