import { join } from "node:path";
import { errorMessage } from "../../errors";
import { planStep } from "../plan";
import type { StepExecutor, StepOutcome } from "../step-executor";
import type { StepContext } from "./context";
import type { StepMiniBatches } from "./mini-batches";
import type { ResolvedStep } from "./resolve";
import type { ReusePolicy } from "./reuse";

export interface PlanningState {
  stepRunId: string;
  /** True when the step's mini-batches must be (re)planned; else they are in the database. */
  needsPlan: boolean;
}

/**
 * Records the step as planning (creating its StepRun on its first session) and decides whether
 * it must be planned; mini-batches of a planning that was interrupted are deleted.
 */
export async function beginPlanning(ctx: StepContext, resolved: ResolvedStep, existing: { id: string; reuseKey: string } | null): Promise<PlanningState> {
  const { deps, run, step, lease } = ctx;
  const stepRun =
    existing ??
    (await lease.commit((tx) =>
      tx.stepRun.create({
        data: {
          id: `step_${run.id.slice(4)}_${step.name}`,
          runId: run.id,
          stepName: step.name,
          config: JSON.stringify(resolved.config),
          reuseKey: "",
          status: "planning",
          outputDir: resolved.target.local,
          startedAt: new Date(),
        },
      }),
    ));
  ctx.events.publish({ type: "step_status", runId: run.id, step: step.name, status: "planning" });
  const stepRunId = stepRun.id;
  const planned = await deps.db.miniBatch.count({ where: { stepRunId } });
  // The reuse key is written when planning completes: without it, planning was interrupted.
  const needsPlan = planned === 0 || stepRun.reuseKey === "";
  if (needsPlan && planned > 0) await deps.db.miniBatch.deleteMany({ where: { stepRunId } });
  return { stepRunId, needsPlan };
}

/** The mini-batches planned by an earlier session, in index order. */
export async function loadPlanned(ctx: StepContext, stepRunId: string, miniBatches: StepMiniBatches): Promise<void> {
  for (const row of await ctx.deps.db.miniBatch.findMany({ where: { stepRunId }, orderBy: { idx: "asc" } })) miniBatches.restore(row);
}

/**
 * Plans the step while it runs: mini-batches run as soon as they are planned, while the rest of
 * the input is listed. When planning fails the step is cancelled and the error thrown.
 */
export async function planWhileRunning(
  ctx: StepContext,
  resolved: ResolvedStep,
  planning: PlanningState,
  policy: ReusePolicy,
  executor: StepExecutor,
  miniBatches: StepMiniBatches,
  running: Promise<StepOutcome>,
): Promise<void> {
  const { deps, lease } = ctx;
  const { stepRunId } = planning;
  const { config, inputs, stores } = resolved;
  try {
    const plan = await planStep(
      deps.db,
      deps.provider,
      stepRunId,
      inputs,
      stores.open,
      config.miniBatchSize,
      config.partitionKeys,
      join(ctx.paths.stepDir, "plan"),
      (rows) => {
        if (lease.lost) throw lease.lost; // another pool plans this step now
        executor.add(rows.map(miniBatches.restore));
      },
    );
    await lease.commit((tx) =>
      tx.stepRun.update({
        where: { id: stepRunId },
        data: { reuseKey: `${policy.baseKey}:${plan.fingerprint}`, totalMiniBatches: plan.miniBatches, totalItems: plan.items },
      }),
    );
    executor.planningDone();
  } catch (error) {
    executor.cancel(errorMessage(error));
    await running;
    throw error;
  }
}
