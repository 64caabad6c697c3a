import { dirname, join } from "node:path";
import type { Db } from "../db/client";
import type { RunStatus } from "../contracts/statuses";
import { conflict, invalid, notFound } from "../errors";
import { newId } from "../ids";
import { resolveInput } from "../engine/inputs";
import { leaseExpired } from "../engine/claim";
import { wakePools } from "../engine/wake";
import { resolveParameters, resolveRunConfig } from "../engine/resolve";
import { topologicalOrder } from "../pipeline/graph";
import { outputDataKind, stepDataKind, type DataKind } from "../pipeline/run-config-rules";
import { getPipelineVersion } from "./pipelines";

export interface SubmitInput {
  pipeline: string;
  version?: number;
  experiment?: string;
  parameters?: Record<string, string | number | boolean>;
  /** Azure's `regenerate_outputs`: run every step even where allow_reuse could copy an output. */
  regenerateOutputs?: boolean;
}

/**
 * Submits a run: parameters are resolved and every step's config and inputs are checked now, so
 * a bad value is reported at submission, not minutes later by a worker.
 */
export async function submitRun(db: Db, dataDir: string, input: SubmitInput) {
  const pv = await getPipelineVersion(db, input.pipeline, input.version);
  const params = resolveParameters(pv.definition.parameters, input.parameters);
  const experiment = input.experiment ?? pv.name;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(experiment))
    throw invalid(`Experiment name '${experiment}' is not valid: use letters, digits, '-', '_' and '.'`);
  const outputKinds = new Map<string, DataKind>();
  for (const step of topologicalOrder(pv.definition.steps)) {
    const inputKinds: DataKind[] = [];
    for (const ref of step.inputs) {
      // In topological order every upstream step's output kind is known by now.
      inputKinds.push("step" in ref ? outputKinds.get(ref.step)! : (await resolveInput(db, ref, params, new Map())).kind);
    }
    for (const ref of step.sideInputs) if (!("step" in ref)) await resolveInput(db, ref, params, new Map());
    const config = resolveRunConfig(step.parallelRunConfig, params, stepDataKind(inputKinds), step.name);
    outputKinds.set(step.name, outputDataKind(config.outputAction));
  }
  const id = newId("run");
  const run = await db.pipelineRun.create({
    data: {
      id,
      pipelineId: pv.pipelineId,
      pipelineVersionId: pv.versionId,
      experimentName: experiment,
      parameters: JSON.stringify(params),
      regenerateOutputs: input.regenerateOutputs ?? false,
      status: "queued",
      runDir: join(dataDir, "runs", id),
    },
  });
  // The worker pools on this data folder start it now instead of at their next poll.
  wakePools(dataDir);
  return run;
}

export async function getRun(db: Db, runId: string) {
  const run = await db.pipelineRun.findUnique({
    where: { id: runId },
    include: { steps: { orderBy: { startedAt: "asc" } }, pipeline: { select: { name: true } }, pipelineVersion: { select: { version: true } } },
  });
  if (!run) throw notFound(`Run '${runId}' not found (see \`prs run list\`)`);
  return run;
}

export async function listRuns(db: Db, filter: { experiment?: string; pipeline?: string; status?: RunStatus; take?: number } = {}) {
  return db.pipelineRun.findMany({
    where: {
      ...(filter.experiment ? { experimentName: filter.experiment } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.pipeline ? { pipeline: { name: filter.pipeline } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: filter.take ?? 50,
    include: { steps: true, pipeline: { select: { name: true } } },
  });
}

/** Asks the orchestrator holding the run to stop; a queued run is cancelled at once. */
export async function cancelRun(db: Db, runId: string) {
  const run = await getRun(db, runId);
  if (run.status === "queued") {
    return db.pipelineRun.update({ where: { id: runId }, data: { status: "cancelled", statusReason: "Cancelled before it started.", endedAt: new Date() } });
  }
  if (run.status !== "running") throw conflict(`Run ${runId} is ${run.status}; only queued or running runs can be cancelled`);
  return db.pipelineRun.update({ where: { id: runId }, data: { status: "cancelling" } });
}

/**
 * Queues a cancelled or failed run again. Finished mini-batches are kept: only the unfinished and
 * failed ones run. Failed mini-batches get a fresh set of tries.
 */
/** `leaseMs`: PRS_LEASE_MS; a running run whose holder renewed its lease more recently is refused. */
export async function resumeRun(db: Db, runId: string, leaseMs?: number) {
  const run = await getRun(db, runId);
  if (run.status === "completed") throw conflict(`Run ${runId} completed; submit a new run instead`);
  if (run.status === "queued") return run;
  if (run.status === "running" || run.status === "cancelling") {
    if (!leaseExpired(run.heartbeatAt, leaseMs)) throw conflict(`Run ${runId} is ${run.status} on ${run.claimedBy}; cancel it first`);
  }
  await db.$transaction([
    db.miniBatch.updateMany({ where: { stepRun: { runId }, status: { in: ["failed", "running"] } }, data: { status: "pending", attempts: 0 } }),
    db.stepRun.updateMany({ where: { runId, status: { in: ["failed", "cancelled", "running", "planning"] } }, data: { status: "pending", endedAt: null } }),
    db.pipelineRun.update({ where: { id: runId }, data: { status: "queued", statusReason: null, endedAt: null, claimedBy: null } }),
  ]);
  wakePools(dirname(dirname(run.runDir)));
  return getRun(db, runId);
}
