import { hostname } from "node:os";
import { join } from "node:path";
import { PipelineDefinition } from "../contracts/pipeline";
import { StoredStepConfig } from "../contracts/parallel-run-config";
import { RunParameters } from "../contracts/run-events";
import { parseColumn } from "../db/columns";
import { isTerminalRunStatus, type RunStatus } from "../contracts/statuses";
import { AppError, errorMessage } from "../errors";
import { topologicalOrder } from "../pipeline/graph";
import { DeferredSource } from "./agent";
import { noEvents } from "./events";
import type { StepOutputRef } from "./inputs";
import { LeaseLostError, RunLease } from "./lease";
import { StepReports } from "./reports";
import type { ParameterValues } from "./resolve";
import { prepareStepFolders } from "./step-output";
import { logToStderr, registerOutput, stepPaths, type OrchestratorDeps, type RunRow, type StepContext, type StepResult } from "./step/context";
import { createAgents, executeStep } from "./step/execute";
import { mergeAndFinish } from "./step/merge";
import { StepMiniBatches } from "./step/mini-batches";
import { beginPlanning, loadPlanned } from "./step/plan";
import { openStepOutput, resolveStep } from "./step/resolve";
import { mayReuse, reuseEarlierOutput, reusePolicy } from "./step/reuse";

export type { OrchestratorDeps } from "./step/context";

/** How executeRun left the run; "lost": another worker took its lease, this one stopped. */
export interface RunOutcome {
  status: RunStatus | "lost";
  reason: string;
}

/**
 * Runs (or resumes) a pipeline run: each step in dependency order; finished steps and finished
 * mini-batches are never run again.
 */
export async function executeRun(deps: OrchestratorDeps, runId: string, claim?: { epoch: number }): Promise<RunOutcome> {
  const { db } = deps;
  const run = await db.pipelineRun.findUnique({ where: { id: runId }, include: { pipelineVersion: true } });
  if (!run) throw new AppError("not_found", `Run ${runId} not found`);
  if (isTerminalRunStatus(run.status)) return { status: run.status, reason: run.statusReason ?? "" };
  const lease = claim ? new RunLease(db, runId, deps.workerId, claim.epoch, deps.leaseMs) : await RunLease.acquire(db, runId, deps.workerId, deps.leaseMs);
  try {
    return await executeHeld(deps, run, lease);
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    // Another pool runs it now: this one has stopped its processes and writes nothing more.
    (deps.log ?? logToStderr)(error.message);
    return { status: "lost", reason: error.message };
  }
}

type RunWithVersion = RunRow & { status: RunStatus; startedAt: Date | null; parameters: string; pipelineVersion: { definition: string } };

async function executeHeld(deps: OrchestratorDeps, run: RunWithVersion, lease: RunLease): Promise<RunOutcome> {
  const events = deps.events ?? noEvents;
  const runId = run.id;
  if (run.status === "cancelling") {
    // Its orchestrator died while cancelling: finish the cancel.
    const reason = "Cancelled; resume runs the unfinished mini-batches.";
    await lease.commit((tx) =>
      tx.pipelineRun.update({ where: { id: runId }, data: { status: "cancelled", statusReason: reason, endedAt: new Date(), claimedBy: null } }),
    );
    return { status: "cancelled", reason };
  }
  await lease.commit((tx) =>
    tx.pipelineRun.update({ where: { id: runId }, data: { status: "running", startedAt: run.startedAt ?? new Date(), statusReason: null } }),
  );
  events.publish({ type: "run_status", runId, status: "running" });

  const definition = PipelineDefinition.parse(JSON.parse(run.pipelineVersion.definition));
  const params: ParameterValues = parseColumn(RunParameters, run.parameters, `Parameters of run ${run.id}`);
  const upstream = new Map<string, StepOutputRef>();
  let status: RunStatus = "completed";
  let reason = "";
  const sentences: string[] = [];
  try {
    for (const step of topologicalOrder(definition.steps)) {
      const result = await runStep({ deps, events, run, step, params, upstream, lease, paths: stepPaths(run.runDir, step.name) }).catch(
        async (error: unknown) => {
          if (lease.lost) throw lease.lost;
          await recordStepError(lease, run, step.name, errorMessage(error));
          throw error;
        },
      );
      sentences.push(`${step.name}: ${result.sentence}`);
      if (result.status !== "completed" && result.status !== "reused") {
        status = result.status;
        reason = `${step.name}: ${result.sentence}`;
        break;
      }
    }
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    status = "failed";
    reason = errorMessage(error);
  }
  const finalReason = reason || sentences.join(" ");
  status = await lease.commit(async (tx) => {
    const current = await tx.pipelineRun.findUnique({ where: { id: runId }, select: { status: true } });
    const final = current?.status === "cancelling" && status === "completed" ? "cancelled" : status;
    await tx.pipelineRun.update({ where: { id: runId }, data: { status: final, statusReason: finalReason, endedAt: new Date(), claimedBy: null } });
    return final;
  });
  events.publish({ type: "run_status", runId, status, reason: finalReason });
  return { status, reason: finalReason };
}

/**
 * A step that could not run at all (bad input found while resolving or planning) still leaves
 * job_result.txt and job_error.txt saying why, and a failed StepRun.
 */
async function recordStepError(lease: RunLease, run: RunRow, stepName: string, message: string): Promise<void> {
  const sentence = `Failed before processing: ${message}`;
  await lease.commit((tx) =>
    tx.stepRun.updateMany({ where: { runId: run.id, stepName }, data: { status: "failed", statusReason: sentence, endedAt: new Date() } }),
  );
  new StepReports(join(run.runDir, stepName, "logs")).finish(sentence, `1 x ${message}\n`);
}

/** One step, in its named stages: resolve, reuse, plan, execute, merge. */
async function runStep(ctx: StepContext): Promise<StepResult> {
  const { deps, run, step } = ctx;
  const existing = await deps.db.stepRun.findUnique({ where: { runId_stepName: { runId: run.id, stepName: step.name } } });
  const output = await openStepOutput(ctx);
  if (existing && (existing.status === "completed" || existing.status === "reused")) {
    const config = parseColumn(StoredStepConfig, existing.config, `Config of step ${step.name} of run ${run.id}`);
    registerOutput(ctx, output.target, config, config.columns ?? false);
    return { status: existing.status, sentence: existing.statusReason ?? "" };
  }
  // A read-only or missing output or log folder fails the step now, saying which and why.
  prepareStepFolders(ctx.paths.logDir, output.target);
  const resolved = await resolveStep(ctx, output);
  // Worker processes start now, while the step is planned: their start-up (runtime, init(),
  // model load) overlaps planning instead of adding to it.
  const relay = new DeferredSource();
  const agents = await createAgents(ctx, resolved, relay);
  // When an identical earlier step may be reused, processes start only if it is not.
  const policy = reusePolicy(ctx, resolved);
  if (!(await mayReuse(ctx, policy))) for (const agent of agents) agent.start();
  try {
    const planning = await beginPlanning(ctx, resolved, existing);
    if (planning.needsPlan && policy.allowed) {
      const reused = await reuseEarlierOutput(ctx, resolved, planning.stepRunId, policy);
      if (reused) return reused;
    }
    for (const agent of agents) agent.start();
    await ctx.lease.commit((tx) => tx.stepRun.update({ where: { id: planning.stepRunId }, data: { status: "running" } }));
    ctx.events.publish({ type: "step_status", runId: run.id, step: step.name, status: "running" });
    const miniBatches = new StepMiniBatches(ctx.paths.segmentsDir);
    if (!planning.needsPlan) await loadPlanned(ctx, planning.stepRunId, miniBatches);
    const execution = await executeStep(ctx, resolved, agents, relay, planning, policy, miniBatches);
    return await mergeAndFinish(ctx, resolved, planning.stepRunId, execution, miniBatches);
  } finally {
    await Promise.all(agents.map((a) => a.kill()));
    resolved.environment?.release();
  }
}

export function newWorkerId(): string {
  return `wrk_${hostname()}_${process.pid}`;
}
