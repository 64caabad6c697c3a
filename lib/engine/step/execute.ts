import { join } from "node:path";
import { type DeferredSource, LocalAgent } from "../agent";
import { LOCAL_COMPUTE } from "../../contracts/parallel-run-config";
import type { WorkerProcess } from "../../contracts/run-events";
import { noEvents } from "../events";
import { residentBytes } from "../proc-stats";
import { LeaseKeeper } from "../lease";
import { updateOf, writeMiniBatchUpdates } from "../persist";
import { StepReports } from "../reports";
import { type Agent, StepExecutor, type StepOutcome, type StepSink } from "../step-executor";
import { logToStderr, type StepContext } from "./context";
import type { StepMiniBatches } from "./mini-batches";
import { planWhileRunning, type PlanningState } from "./plan";
import type { ResolvedStep } from "./resolve";
import type { ReusePolicy } from "./reuse";
import { unreadableBy } from "../worker-user";
import { invalid } from "../../errors";

/**
 * The step's worker processes: node_count agents fed through `relay` once the work is known;
 * with a compute_target other than `local`, the agents of that pool (lib/cluster). The cluster code
 * (BullMQ, ioredis) is loaded only then: an embedded studio never holds it in memory.
 */
export async function createAgents(ctx: StepContext, resolved: ResolvedStep, relay: DeferredSource): Promise<Agent[]> {
  const computeTarget = resolved.config.computeTarget;
  if (computeTarget !== undefined && computeTarget !== LOCAL_COMPUTE) {
    const { createRemotePool } = await import("../../cluster/step-pool");
    return [createRemotePool(ctx, resolved, relay)];
  }
  const { run, step, paths } = ctx;
  const { config, entry, target } = resolved;
  const unreadable = unreadableBy(ctx.deps.workerUser, entry.module);
  if (unreadable)
    throw invalid(
      `the entry script ${entry.label} cannot be loaded by the worker user: ${unreadable}; make its folder readable by others (chmod o+rx, and o+x on the folders above it) or set PRS_WORKER_USER=same`,
    );
  const setup = {
    runId: run.id,
    stepName: step.name,
    entryModule: entry.module,
    entryLabel: entry.label,
    environmentDir: resolved.environment?.dir,
    settings: entry.settings,
    loggingLevel: config.loggingLevel,
    logDir: paths.logDir,
    outputDir: target.local,
    segmentsDir: paths.segmentsDir,
    cacheDir: join(paths.stepDir, "cache", "items"),
    sideInputs: resolved.sideInputPaths,
    arguments: resolved.args,
    datastores: resolved.stores.forWorkers(),
    outputAction: config.outputAction,
  };
  return Array.from(
    { length: config.nodeCount },
    (_, nodeId) =>
      new LocalAgent(
        {
          nodeId,
          processCount: config.processCountPerNode,
          setup,
          environment: { ...resolved.environment?.variables, ...config.environmentVariables },
          runInvocationTimeoutSeconds: config.runInvocationTimeout,
          initTimeoutSeconds: config.initTimeout,
          processMemoryLimitMb: config.processMemoryLimit,
          user: ctx.deps.workerUser,
          launcher: ctx.deps.warmPool,
          runtimeParts: { entry: entry.hash },
          homeDir: join(paths.stepDir, "home"),
          maxInitFailures: config.runMaxTry,
        },
        relay,
      ),
  );
}

/** How the step's mini-batches ran. */
export interface Execution {
  outcome: StepOutcome;
  reports: StepReports;
  /** A worker could not write its output (full disk): nothing more is merged or written. */
  storageStopped: boolean;
  /** When execution started (ms since epoch). */
  started: number;
}

/**
 * Runs the step's mini-batches on its agents (planning them meanwhile when needed) under a
 * LeaseKeeper that writes progress and the heartbeat every interval; the last flush lands before
 * this returns, so a holder that lost the lease stops here.
 */
export async function executeStep(
  ctx: StepContext,
  resolved: ResolvedStep,
  agents: Agent[],
  relay: DeferredSource,
  planning: PlanningState,
  policy: ReusePolicy,
  miniBatches: StepMiniBatches,
): Promise<Execution> {
  const { deps, lease } = ctx;
  const reports = new StepReports(ctx.paths.logDir);
  reports.recordFinished(miniBatches.finishedBefore);
  const execution = { reports, storageStopped: false, started: 0 };
  const executor = new StepExecutor(resolved.config, planning.needsPlan ? [] : miniBatches.states, stepSink(ctx, miniBatches, execution), {
    planning: planning.needsPlan,
  });
  reports.onFailure = (error) =>
    executor.fail(`The step stopped because its attempt report could not be written: ${error.message}; free space and resume the run.`);
  execution.started = Date.now();
  const flush = progressFlush(ctx, planning.stepRunId, executor, miniBatches, agents, reports, execution.started);
  const keeper = new LeaseKeeper(lease, flush, {
    intervalMs: deps.flushIntervalMs ?? 500,
    log: deps.log ?? logToStderr,
    // A holder that cannot renew stops at once: its processes are killed, nothing more is written.
    onLost: (error) => executor.cancel(error.message),
  });
  keeper.start();
  let outcome: StepOutcome;
  try {
    const running = executor.run((source) => {
      relay.attach(source);
      return agents;
    });
    if (planning.needsPlan) await planWhileRunning(ctx, resolved, planning, policy, executor, miniBatches, running);
    outcome = await running;
  } finally {
    await keeper.stop();
  }
  // Also the lease check right before the output is written: a holder that lost it stops here.
  await keeper.flushNow();
  return { ...execution, outcome };
}

/** Each finished attempt: into the report, the pending updates and the output records, and published. */
function stepSink(ctx: StepContext, miniBatches: StepMiniBatches, execution: { reports: StepReports; storageStopped: boolean }): StepSink {
  const { events, run, step } = ctx;
  return {
    attempt(record) {
      const { result } = record;
      if (result.status === "STORAGE_ERROR") execution.storageStopped = true;
      execution.reports.attempt(record);
      const out = result.output;
      if (out && result.status === "RUN_DONE") miniBatches.outputs.set(result.idx, { location: out, columns: out.columns, rows: result.succeeded });
      miniBatches.updates.push(updateOf(record.miniBatch, result.totalSeconds, record.finishedAt));
      events.publish({
        type: "attempt",
        runId: run.id,
        step: step.name,
        idx: result.idx,
        attempt: result.attempt,
        status: result.status,
        succeeded: result.succeeded,
        failed: result.failed,
        error: result.error,
        itemErrors: result.itemErrors,
        stack: result.stack,
        itemCount: result.itemCount,
        willRetry: record.willRetry,
        where: record.where,
      });
    },
    processEvent(event) {
      events.publish({ type: "process", runId: run.id, step: step.name, event });
    },
  };
}

/**
 * One flush of progress: mini-batch states, counters and the heartbeat commit together under the
 * lease; then progress is published and reported, and a cancel asked for in the database is seen.
 */
function progressFlush(
  ctx: StepContext,
  stepRunId: string,
  executor: StepExecutor,
  miniBatches: StepMiniBatches,
  agents: Agent[],
  reports: StepReports,
  started: number,
): () => Promise<void> {
  const { deps, lease, events, run, step } = ctx;
  const startItems = executor.snapshot().succeededItems + executor.snapshot().failedItems;
  let cancelled = false;
  return async () => {
    const batch = miniBatches.updates.splice(0);
    // Handed out is not running: a process queues a few ahead, only the head of its queue runs.
    const snapshot = executor.snapshot();
    const c = { ...snapshot, runningMiniBatches: runningInProcesses(agents, snapshot.runningMiniBatches) };
    const runRow = await lease
      .commit(async (tx) => {
        await writeMiniBatchUpdates(tx, deps.provider, batch);
        await tx.stepRun.update({
          where: { id: stepRunId },
          data: {
            succeededMiniBatches: c.succeededMiniBatches,
            failedMiniBatches: c.failedMiniBatches,
            succeededItems: c.succeededItems,
            failedItems: c.failedItems,
            retries: c.retries,
            totalItems: c.totalItems,
            totalMiniBatches: c.totalMiniBatches,
          },
        });
        return tx.pipelineRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } });
      })
      .catch((error: unknown) => {
        miniBatches.updates.unshift(...batch); // written by the next flush
        throw error;
      });
    const elapsed = (Date.now() - started) / 1000;
    const processed = c.succeededItems + c.failedItems - startItems;
    const rate = elapsed > 0 ? processed / elapsed : 0;
    const remaining = c.totalItems - c.succeededItems - c.failedItems;
    events.publish({
      type: "progress",
      runId: run.id,
      step: step.name,
      counters: c,
      itemsPerSecond: rate,
      etaSeconds: rate > 0 ? remaining / rate : undefined,
    });
    reports.progress(c, rate);
    if (events !== noEvents) events.publish({ type: "workers", runId: run.id, step: step.name, processes: workerStates(agents) });
    if (runRow.status === "cancelling" && !cancelled) {
      cancelled = true;
      executor.cancel("The run was cancelled; resume runs the unfinished mini-batches.");
    }
  };
}

/** Mini-batches a local worker process is working on right now (one per process at most); a remote pool's own count otherwise. */
function runningInProcesses(agents: Agent[], handedOut: number): number {
  let running = 0;
  for (const agent of agents) {
    // An agent pool's processes as its agents last described them (a queued job is not running).
    const states = agent instanceof LocalAgent ? agent.processStates() : agent.workers?.();
    if (!states) return handedOut;
    running += states.filter((p) => p.current !== undefined).length;
  }
  return Math.min(running, handedOut);
}

/** What each worker process is doing, with its resident memory (one small /proc read per process). */
function workerStates(agents: Agent[]): WorkerProcess[] {
  return agents.flatMap((agent, nodeId) =>
    agent instanceof LocalAgent
      ? agent.processStates().map((p) => ({ nodeId, ...p, rssBytes: p.pid ? residentBytes(p.pid) : undefined }))
      : (agent.workers?.() ?? []),
  );
}
