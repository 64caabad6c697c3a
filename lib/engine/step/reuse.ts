import { join } from "node:path";
import { fingerprintInputs } from "../plan";
import { StepReports } from "../reports";
import { hasReuseCandidate, reuseBaseKey, tryReuse } from "../reuse";
import { uploadWhole } from "../step-output";
import { registerOutput, type StepContext, type StepResult } from "./context";
import type { ResolvedStep } from "./resolve";

/** allow_reuse for this step: its identity, and whether it may take an earlier step's output. */
export interface ReusePolicy {
  baseKey: string;
  allowed: boolean;
}

export function reusePolicy(ctx: StepContext, resolved: ResolvedStep): ReusePolicy {
  const { config, inputs, sideInputs, entry, args, target } = resolved;
  // A different environment (other packages or variables) is a different step, whatever its name.
  const environment = resolved.environment;
  const entryHash = environment ? `${entry.hash}:${environment.contentHash}:${JSON.stringify(environment.variables)}` : entry.hash;
  const baseKey = reuseBaseKey({ config, inputs, sideInputs, entryHash, args, output: [target.datastore, ctx.step.output.path ?? ""] });
  return { baseKey, allowed: ctx.step.allowReuse && !ctx.run.regenerateOutputs };
}

/** Whether an earlier step with this identity exists (its data may still differ). */
export async function mayReuse(ctx: StepContext, policy: ReusePolicy): Promise<boolean> {
  return policy.allowed && (await hasReuseCandidate(ctx.deps.db, policy.baseKey));
}

/**
 * Takes the output of an earlier identical step (same identity and data fingerprint) instead of
 * running: copies it, records the step as reused and reports it. Undefined when there is none.
 */
export async function reuseEarlierOutput(ctx: StepContext, resolved: ResolvedStep, stepRunId: string, policy: ReusePolicy): Promise<StepResult | undefined> {
  const { deps, run, step, lease, events } = ctx;
  const { config, target, inputs, stores } = resolved;
  const reused = await tryReuse(deps.db, stepRunId, policy.baseKey, () => fingerprintInputs(inputs, stores.open), config, target.local);
  if (!reused) return undefined;
  const sentence = `Reused the output of run ${reused.runId} (identical step, inputs and code: allow_reuse).`;
  await lease.commit((tx) =>
    tx.stepRun.update({
      where: { id: stepRunId },
      data: {
        status: "reused",
        reuseKey: reused.reuseKey,
        reusedFromStepId: reused.id,
        statusReason: sentence,
        endedAt: new Date(),
        totalItems: reused.totalItems,
        totalMiniBatches: reused.totalMiniBatches,
        succeededItems: reused.succeededItems,
        failedItems: reused.failedItems,
        succeededMiniBatches: reused.succeededMiniBatches,
        failedMiniBatches: reused.failedMiniBatches,
        config: JSON.stringify({ ...config, columns: reused.columns, outputBytes: reused.outputBytes }),
      },
    }),
  );
  if (config.outputAction === "append_row" && target.store.kind !== "local")
    await uploadWhole(target, config.appendRowFileName, join(target.local, config.appendRowFileName));
  registerOutput(ctx, target, config, reused.columns);
  new StepReports(ctx.paths.logDir).finish(sentence);
  events.publish({ type: "step_status", runId: run.id, step: step.name, status: "reused", reason: sentence });
  return { status: "reused", sentence };
}
