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

/** Items planned but not finished that stop the listing, once there are also enough mini-batches for every process. */
export const MAX_ITEMS_AHEAD = 100_000;
const AHEAD_POLL_MS = 20;

/**
 * Whether planning is far enough ahead of the processes to wait: more than MAX_ITEMS_AHEAD items
 * unfinished and more than 4 mini-batches per process (so a process never waits for the listing).
 */
export function tooFarAhead(
  c: { totalMiniBatches: number; succeededMiniBatches: number; failedMiniBatches: number; totalItems: number; succeededItems: number; failedItems: number },
  processes: number,
): boolean {
  const miniBatches = c.totalMiniBatches - c.succeededMiniBatches - c.failedMiniBatches;
  const items = c.totalItems - c.succeededItems - c.failedItems;
  return items > MAX_ITEMS_AHEAD && miniBatches > 4 * Math.max(1, processes);
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
  let ended = false;
  const end = () => {
    ended = true;
  };
  running.then(end, end);
  const processes = config.nodeCount * config.processCountPerNode;
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
      async (rows) => {
        if (lease.lost) throw lease.lost; // another pool plans this step now
        executor.add(rows.map(miniBatches.restore));
        // The listing stays a bounded distance ahead of the work: what is planned but unfinished is
        // held in memory (each mini-batch's items), so listing a million files far ahead of the
        // processes would grow the orchestrator by the whole listing. The totals grow as it goes.
        while (!ended && !lease.lost && tooFarAhead(executor.snapshot(), processes)) await new Promise((r) => setTimeout(r, AHEAD_POLL_MS));
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
