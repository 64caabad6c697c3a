import { LOCAL_COMPUTE } from "../contracts/parallel-run-config";
import { invalid } from "../errors";
import type { DeferredSource } from "../engine/agent";
import type { StepContext } from "../engine/step/context";
import type { ResolvedStep } from "../engine/step/resolve";
import { RemotePool, stepKeyOf } from "./dispatch";
import { segmentFolderOf } from "./messages";
import { publishStep } from "./publish-step";
import { RemoteStep } from "./remote-step";

/** Whether a step's compute_target names an agent pool rather than this studio's own processes. */
export function isRemoteTarget(target: string | undefined): target is string {
  return target !== undefined && target !== LOCAL_COMPUTE;
}

/**
 * The agent pool a step runs on, fed by the step executor through `relay`: at most node_count of
 * its agents take the step's mini-batches; their logs land in the step's log folder under
 * `agents/`, their processes show in the run page's process table.
 */
export function createRemotePool(ctx: StepContext, resolved: ResolvedStep, relay: DeferredSource): RemoteStep {
  const { deps, run, step, events } = ctx;
  const pool = resolved.config.computeTarget ?? LOCAL_COMPUTE;
  const cluster = deps.cluster;
  if (!cluster) {
    throw invalid(
      `Step '${step.name}': compute_target '${pool}' is an agent pool, but this studio runs without REDIS_URL: start it with REDIS_URL and a PostgreSQL DATABASE_URL (README: Running on many machines), or set compute_target to local`,
    );
  }
  const stepKey = stepKeyOf(run.id, step.name);
  const dispatch = new RemotePool(
    cluster,
    {
      pool,
      nodeCount: resolved.config.nodeCount,
      stepKey,
      publish: () => publishStep(cluster.redis, cluster.keys, { stepKey, runId: run.id, stepName: step.name }, resolved),
      segmentsDir: ctx.paths.segmentsDir,
      output: resolved.target.store,
      segmentFolder: segmentFolderOf(resolved.target.path, stepKey),
      onAgents: (connected, wanted) =>
        events.publish({
          type: "step_status",
          runId: run.id,
          step: step.name,
          status: "running",
          reason:
            connected < wanted
              ? `waiting for agents: ${connected} of ${wanted} connected to pool '${pool}'`
              : `running on ${wanted} agent${wanted === 1 ? "" : "s"} of pool '${pool}'${connected > wanted ? ` (node_count ${wanted}; ${connected} connected)` : ""}`,
        }),
      leaseLost: () => ctx.lease.lost !== undefined,
      onRedis: (_reachable, message) => events.publish({ type: "step_status", runId: run.id, step: step.name, status: "running", reason: message }),
      log: deps.log,
    },
    relay,
  );
  return new RemoteStep(dispatch, cluster, stepKey, ctx.paths.logDir, deps.log);
}
