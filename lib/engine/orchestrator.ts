import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Db } from "../db/client";
import type { DbProvider } from "../db/provider";
import { PipelineDefinition, type StepDefinition } from "../contracts/pipeline";
import type { ResolvedRunConfig } from "../contracts/parallel-run-config";
import { AppError, errorMessage } from "../errors";
import { topologicalOrder } from "../pipeline/graph";
import { DeferredSource, LocalAgent } from "./agent";
import { resolveEntry } from "./entry";
import { noEvents, type RunEventSink, type WorkerProcessState } from "./events";
import { resolveInput, type StepOutputRef } from "./inputs";
import { scanSegments } from "./segments";
import { finishedFromSegment, prepareStepFolders, uploadWhole, writeStepOutput, type OutputRecord, type StepOutputTarget } from "./step-output";
import { writeMiniBatchUpdates, updateOf, type MiniBatchUpdate } from "./persist";
import { LeaseKeeper, LeaseLostError, RunLease } from "./lease";
import { fingerprintInputs, planStep } from "./plan";
import { hasReuseCandidate, reuseBaseKey, tryReuse } from "./reuse";
import { StepDatastores } from "./step-datastores";
import type { ItemsSpec } from "./protocol";
import { StepReports, type FinishedMiniBatch } from "./reports";
import { resolveRunConfig, type ParameterValues } from "./resolve";
import { StepExecutor, type MiniBatchState, type StepOutcome } from "./step-executor";

export interface OrchestratorDeps {
  db: Db;
  provider: DbProvider;
  workerId: string;
  events?: RunEventSink;
  /** How often progress, mini-batch states and the heartbeat are written. */
  flushIntervalMs?: number;
  /** The lease: another pool takes the run over after this long without a heartbeat. */
  leaseMs?: number;
  /** Where failed heartbeats and a lost lease are reported (default: stderr). */
  log?: (line: string) => void;
}

const logToStderr = (line: string) => void process.stderr.write(`${line}\n`);

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/**
 * Runs (or resumes) a pipeline run: each step in dependency order; finished steps and finished
 * mini-batches are never run again.
 */
export async function executeRun(deps: OrchestratorDeps, runId: string, claim?: { epoch: number }): Promise<{ status: string; reason: string }> {
  const { db } = deps;
  const run = await db.pipelineRun.findUnique({ where: { id: runId }, include: { pipelineVersion: true } });
  if (!run) throw new AppError("not_found", `Run ${runId} not found`);
  if (TERMINAL.has(run.status)) return { status: run.status, reason: run.statusReason ?? "" };
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

type RunWithVersion = RunRow & { status: string; startedAt: Date | null; parameters: string; pipelineVersion: { definition: string } };

async function executeHeld(deps: OrchestratorDeps, run: RunWithVersion, lease: RunLease): Promise<{ status: string; reason: string }> {
  const events = deps.events ?? noEvents;
  const runId = run.id;
  if (run.status === "cancelling") {
    // Its orchestrator died while cancelling: finish the cancel.
    const reason = "Cancelled; resume runs the unfinished mini-batches.";
    await lease.commit((tx) => tx.pipelineRun.update({ where: { id: runId }, data: { status: "cancelled", statusReason: reason, endedAt: new Date(), claimedBy: null } }));
    return { status: "cancelled", reason };
  }
  await lease.commit((tx) =>
    tx.pipelineRun.update({ where: { id: runId }, data: { status: "running", startedAt: run.startedAt ?? new Date(), statusReason: null } }),
  );
  events.publish({ type: "run_status", runId, status: "running" });

  const definition = PipelineDefinition.parse(JSON.parse(run.pipelineVersion.definition));
  const params = JSON.parse(run.parameters) as ParameterValues;
  const upstream = new Map<string, StepOutputRef>();
  let status = "completed";
  let reason = "";
  const sentences: string[] = [];
  try {
    for (const step of topologicalOrder(definition.steps)) {
      const result = await runStep(deps, events, run, step, params, upstream, lease).catch(async (error: unknown) => {
        if (lease.lost) throw lease.lost;
        await recordStepError(lease, run, step.name, errorMessage(error));
        throw error;
      });
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

type RunRow = { id: string; runDir: string; experimentName: string; regenerateOutputs: boolean };

/**
 * A step that could not run at all (bad input found while resolving or planning) still leaves
 * job_result.txt and job_error.txt saying why, and a failed StepRun.
 */
async function recordStepError(lease: RunLease, run: RunRow, stepName: string, message: string): Promise<void> {
  const sentence = `Failed before processing: ${message}`;
  await lease.commit((tx) => tx.stepRun.updateMany({ where: { runId: run.id, stepName }, data: { status: "failed", statusReason: sentence, endedAt: new Date() } }));
  new StepReports(join(run.runDir, stepName, "logs")).finish(sentence, `1 x ${message}\n`);
}

interface StepResult {
  status: "completed" | "reused" | "failed" | "cancelled";
  sentence: string;
}

async function runStep(
  deps: OrchestratorDeps,
  events: RunEventSink,
  run: RunRow,
  step: StepDefinition,
  params: ParameterValues,
  upstream: Map<string, StepOutputRef>,
  lease: RunLease,
): Promise<StepResult> {
  const { db } = deps;
  const stepDir = join(run.runDir, step.name);
  const logDir = join(stepDir, "logs");
  const segmentsDir = join(stepDir, "segments");

  const stores = new StepDatastores(db);
  const loadDatastore = (name: string) => stores.load(name);
  const open = stores.open;

  let stepRun = await db.stepRun.findUnique({ where: { runId_stepName: { runId: run.id, stepName: step.name } } });
  const outputDatastore = step.output.datastore;
  const outputPath = (step.output.path ?? `runs/${run.id}/${step.name}`).replace(/\/+$/, "");
  await loadDatastore(outputDatastore);
  const outputStore = open(outputDatastore);
  const outputLocal = outputStore.localPath(outputPath) ?? join(stepDir, "output");

  const registerOutput = (config: ResolvedRunConfig, columns: boolean) =>
    upstream.set(step.name, { datastore: outputDatastore, path: outputPath, outputAction: config.outputAction, appendRowFileName: config.appendRowFileName, columns });

  if (stepRun && (stepRun.status === "completed" || stepRun.status === "reused")) {
    const config = JSON.parse(stepRun.config) as ResolvedRunConfig & { columns?: boolean };
    registerOutput(config, config.columns ?? false);
    return { status: stepRun.status as "completed", sentence: stepRun.statusReason ?? "" };
  }
  // A read-only or missing output or log folder fails the step now, saying which and why.
  const target: StepOutputTarget = { store: outputStore, datastore: outputDatastore, path: outputPath, local: outputLocal };
  prepareStepFolders(logDir, target);

  const inputs = await Promise.all(step.inputs.map((ref) => resolveInput(db, ref, params, upstream)));
  const sideInputs = await Promise.all(step.sideInputs.map((ref) => resolveInput(db, ref, params, upstream)));
  for (const i of [...inputs, ...sideInputs]) await loadDatastore(i.datastore);
  const kinds = new Set(inputs.map((i) => i.kind));
  if (kinds.size > 1) throw new AppError("invalid_input", `Step '${step.name}': inputs mix file and tabular datasets; a ParallelRunStep takes inputs of one type`);
  const dataKind = inputs[0]!.kind;
  const config = resolveRunConfig(step.parallelRunConfig, params, dataKind, step.name);
  const entry = await resolveEntry(db, config, params, step.name, async (ref) => {
    const m = /^datastore:\/\/([^/]+)\/(.+)$/.exec(ref);
    const [store, path] = m ? [m[1]!, m[2]!] : ["workspace", ref];
    await loadDatastore(store);
    const [local] = await open(store).materialize([path], join(stepDir, "cache", "labels"));
    return local!;
  });
  const args = step.arguments.map((a) => String(typeof a === "object" ? params[a.param] ?? "" : a));

  // Side inputs are given whole to every process, as local files.
  const sideInputPaths: Record<string, string[]> = {};
  for (const side of sideInputs) {
    const ds = open(side.datastore);
    const paths: string[] = [];
    for (const pattern of side.patterns) for await (const e of ds.list(pattern)) paths.push(e.path);
    sideInputPaths[side.name] = await ds.materialize(paths, join(stepDir, "cache", "side", side.datastore));
  }

  const agentSetup = {
    runId: run.id,
    stepName: step.name,
    entryModule: entry.module,
    entryLabel: entry.label,
    settings: entry.settings,
    loggingLevel: config.loggingLevel,
    logDir,
    outputDir: outputLocal,
    segmentsDir,
    cacheDir: join(stepDir, "cache", "items"),
    sideInputs: sideInputPaths,
    arguments: args,
    datastores: stores.forWorkers(),
    outputAction: config.outputAction,
  };
  // Worker processes start now, while the step is planned: their start-up (runtime, init(),
  // model load) overlaps planning instead of adding to it.
  const relay = new DeferredSource();
  const agents = Array.from({ length: config.nodeCount }, (_, nodeId) =>
    new LocalAgent({ nodeId, processCount: config.processCountPerNode, setup: agentSetup, environment: config.environmentVariables, runInvocationTimeoutSeconds: config.runInvocationTimeout, initTimeoutSeconds: config.initTimeout, maxInitFailures: config.runMaxTry }, relay),
  );
  // When an identical earlier step may be reused, processes start only if it is not.
  const baseKey = reuseBaseKey({ config, inputs, sideInputs, entryHash: entry.hash, args, output: [outputDatastore, step.output.path ?? ""] });
  const allowReuse = step.allowReuse && !run.regenerateOutputs;
  const mayReuse = allowReuse && (await hasReuseCandidate(db, baseKey));
  if (!mayReuse) for (const agent of agents) agent.start();
  try {
    return await planAndExecute();
  } finally {
    await Promise.all(agents.map((a) => a.kill()));
  }

  async function planAndExecute(): Promise<StepResult> {
    if (!stepRun) {
      stepRun = await lease.commit((tx) =>
        tx.stepRun.create({
          data: { id: `step_${run.id.slice(4)}_${step.name}`, runId: run.id, stepName: step.name, config: JSON.stringify(config), reuseKey: "", status: "planning", outputDir: outputLocal, startedAt: new Date() },
        }),
      );
    }
    events.publish({ type: "step_status", runId: run.id, step: step.name, status: "planning" });

    const stepRunId = stepRun.id;
    const planned = await db.miniBatch.count({ where: { stepRunId } });
    // The reuse key is written when planning completes: without it, planning was interrupted.
    const needsPlan = planned === 0 || stepRun.reuseKey === "";
    // Identity of the step for allow_reuse; the data's fingerprint (listing of paths and sizes) is
    // appended once known.
    if (needsPlan) {
      if (planned > 0) await db.miniBatch.deleteMany({ where: { stepRunId } });
      if (allowReuse) {
        const reused = await tryReuse(db, stepRunId, baseKey, () => fingerprintInputs(inputs, open), config, outputLocal);
        if (reused) {
          const sentence = `Reused the output of run ${reused.runId} (identical step, inputs and code: allow_reuse).`;
          await lease.commit((tx) => tx.stepRun.update({
            where: { id: stepRunId },
            data: { status: "reused", reuseKey: reused.reuseKey, reusedFromStepId: reused.id, statusReason: sentence, endedAt: new Date(), totalItems: reused.totalItems, totalMiniBatches: reused.totalMiniBatches, succeededItems: reused.succeededItems, failedItems: reused.failedItems, succeededMiniBatches: reused.succeededMiniBatches, failedMiniBatches: reused.failedMiniBatches, config: JSON.stringify({ ...config, columns: reused.columns, outputBytes: reused.outputBytes }) },
          }));
          if (config.outputAction === "append_row" && outputStore.kind !== "local") await uploadWhole(target, config.appendRowFileName, join(outputLocal, config.appendRowFileName));
          registerOutput(config, reused.columns);
          new StepReports(logDir).finish(sentence);
          events.publish({ type: "step_status", runId: run.id, step: step.name, status: "reused", reason: sentence });
          return { status: "reused", sentence };
        }
      }
    }
    for (const agent of agents) agent.start();
    await lease.commit((tx) => tx.stepRun.update({ where: { id: stepRunId }, data: { status: "running" } }));
    events.publish({ type: "step_status", runId: run.id, step: step.name, status: "running" });

    const states: MiniBatchState[] = [];
    const updates: MiniBatchUpdate[] = [];
    // Outputs already written (earlier sessions of this step): one record per mini-batch.
    const written = scanSegments(segmentsDir);
    const outputs = new Map<number, OutputRecord>();
    for (const [idx, record] of written) outputs.set(idx, { location: record, columns: record.meta.columns, rows: record.meta.succeeded });
    // Mini-batches finished in earlier sessions: the attempt report gets a row for any it lacks.
    const finishedBefore: FinishedMiniBatch[] = [];
    const toState = (row: { id: string; idx: number; items: string; itemCount: number; attempts?: number; status?: string; succeededItems?: number; failedItems?: number; lastError?: string | null; elapsedMs?: number | null; endedAt?: Date | null }): MiniBatchState => {
      const state: MiniBatchState = {
        id: row.id,
        idx: row.idx,
        items: JSON.parse(row.items) as ItemsSpec,
        itemCount: row.itemCount,
        attempts: row.attempts ?? 0,
        status: (row.status ?? "pending") as MiniBatchState["status"],
        succeeded: row.succeededItems ?? 0,
        failed: row.failedItems ?? 0,
        lastError: row.lastError ?? undefined,
      };
      const record = written.get(row.idx);
      if (state.status === "succeeded" && !record) {
        // Recorded as done but its output record is gone (a crash of the machine before the
        // segment reached the disk): it runs again rather than leave its rows out.
        state.status = "pending";
      } else if (state.status === "succeeded") {
        finishedBefore.push({ idx: state.idx, attempt: state.attempts, itemCount: state.itemCount, succeeded: state.succeeded, failed: state.failed, totalSeconds: (row.elapsedMs ?? 0) / 1000, endedAt: row.endedAt ?? new Date() });
      } else if (state.status !== "failed" && record) {
        // Finished before a crash but not yet recorded: its complete output record is the proof.
        const meta = record.meta;
        state.status = "succeeded";
        state.succeeded = meta.succeeded;
        state.failed = meta.failed;
        state.itemCount = meta.itemCount;
        state.attempts = Math.max(state.attempts, meta.attempt);
        const endedAt = new Date();
        updates.push(updateOf(state, meta.totalSeconds, endedAt));
        finishedBefore.push(finishedFromSegment(record, endedAt));
      }
      states.push(state);
      return state;
    };
    if (!needsPlan) for (const row of await db.miniBatch.findMany({ where: { stepRunId }, orderBy: { idx: "asc" } })) toState(row);

    const reports = new StepReports(logDir);
    reports.recordFinished(finishedBefore);
    // A worker could not write its output (full disk): nothing more is merged or written.
    let storageStopped = false;
    const executor = new StepExecutor(config, needsPlan ? [] : states, {
      attempt(record) {
        if (record.result.status === "STORAGE_ERROR") storageStopped = true;
        reports.attempt(record);
        const out = record.result.output;
        if (out && record.result.status === "RUN_DONE") outputs.set(record.result.idx, { location: out, columns: out.columns, rows: record.result.succeeded });
        updates.push(updateOf(record.miniBatch, record.result.totalSeconds, record.finishedAt));
        events.publish({
          type: "attempt",
          runId: run.id,
          step: step.name,
          idx: record.result.idx,
          attempt: record.result.attempt,
          status: record.result.status,
          succeeded: record.result.succeeded,
          failed: record.result.failed,
          error: record.result.error,
          itemErrors: record.result.itemErrors,
          stack: record.result.stack,
          itemCount: record.result.itemCount,
          willRetry: record.willRetry,
          where: record.where,
        });
      },
      processEvent(event) {
        events.publish({ type: "process", runId: run.id, step: step.name, event });
      },
    }, { planning: needsPlan });
    reports.onFailure = (error) => executor.fail(`The step stopped because its attempt report could not be written: ${error.message}; free space and resume the run.`);

    const started = Date.now();
    const startItems = executor.snapshot().succeededItems + executor.snapshot().failedItems;
    let cancelled = false;
    const flush = async () => {
      const batch = updates.splice(0);
      const c = executor.snapshot();
      // Mini-batch states, counters and the heartbeat commit together, under the lease.
      const runRow = await lease
        .commit(async (tx) => {
          await writeMiniBatchUpdates(tx, deps.provider, batch);
          await tx.stepRun.update({
            where: { id: stepRunId },
            data: { succeededMiniBatches: c.succeededMiniBatches, failedMiniBatches: c.failedMiniBatches, succeededItems: c.succeededItems, failedItems: c.failedItems, retries: c.retries, totalItems: c.totalItems, totalMiniBatches: c.totalMiniBatches },
          });
          return tx.pipelineRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } });
        })
        .catch((error: unknown) => {
          updates.unshift(...batch); // written by the next flush
          throw error;
        });
      const elapsed = (Date.now() - started) / 1000;
      const processed = c.succeededItems + c.failedItems - startItems;
      const rate = elapsed > 0 ? processed / elapsed : 0;
      const remaining = c.totalItems - c.succeededItems - c.failedItems;
      events.publish({ type: "progress", runId: run.id, step: step.name, counters: c, itemsPerSecond: rate, etaSeconds: rate > 0 ? remaining / rate : undefined });
      reports.progress(c, rate);
      if (events !== noEvents) events.publish({ type: "workers", runId: run.id, step: step.name, processes: workerStates(agents) });
      if (runRow.status === "cancelling" && !cancelled) {
        cancelled = true;
        executor.cancel("The run was cancelled; resume runs the unfinished mini-batches.");
      }
    };
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
      if (needsPlan) {
        // Mini-batches run as soon as they are planned, while the rest of the input is listed.
        try {
          const plan = await planStep(db, deps.provider, stepRunId, inputs, open, config.miniBatchSize, config.partitionKeys, join(stepDir, "plan"), (rows) => {
            if (lease.lost) throw lease.lost; // another pool plans this step now
            executor.add(rows.map(toState));
          });
          await lease.commit((tx) => tx.stepRun.update({ where: { id: stepRunId }, data: { reuseKey: `${baseKey}:${plan.fingerprint}`, totalMiniBatches: plan.miniBatches, totalItems: plan.items } }));
          executor.planningDone();
        } catch (error) {
          executor.cancel(errorMessage(error));
          await running;
          throw error;
        }
      }
      outcome = await running;
    } finally {
      await keeper.stop();
    }
    // Also the lease check right before the output is written: a holder that lost it stops here.
    await keeper.flushNow();

    const c = outcome.counters;
    // A step stopped by a storage failure merges nothing: the disk is still full.
    const skipMerge = config.outputAction !== "append_row" || reports.failure !== undefined || storageStopped;
    const { output, status, failure } = skipMerge ? { status: outcome.status } : await writeStepOutput(outcome, states, outputs, target, config.appendRowFileName);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const summary = `${c.succeededItems} of ${c.totalItems} items succeeded and ${c.failedItems} failed in ${c.totalMiniBatches} mini-batches (${c.failedMiniBatches} failed, ${c.retries} retries) in ${seconds} s`;
    const sentence =
      status === "completed"
        ? `Completed: ${summary}.`
        : status === "cancelled"
          ? `Cancelled: ${summary}. ${outcome.status === "completed" ? "" : outcome.reason}`
          : `${failure ?? (outcome.status === "completed" ? "" : outcome.reason)} ${summary}.`;
    const reportFailure = reports.finishOrExplain(sentence);
    const finalStatus = reportFailure ? "failed" : status;
    const finalSentence = reportFailure ? `${sentence} ${reportFailure}` : sentence;
    const columns = output?.columns ?? false;
    await lease.commit((tx) =>
      tx.stepRun.update({
        where: { id: stepRunId },
        data: { status: finalStatus, statusReason: finalSentence, endedAt: finalStatus === "cancelled" ? null : new Date(), config: JSON.stringify({ ...config, columns, ...(output ? { outputBytes: output.bytes, outputRows: output.rows } : {}) }) },
      }),
    );
    registerOutput(config, columns);
    events.publish({ type: "step_status", runId: run.id, step: step.name, status: finalStatus, reason: finalSentence });
    return { status: finalStatus, sentence: finalSentence };
  }
}

/** What each worker process is doing, with its resident memory (one small /proc read per process). */
function workerStates(agents: LocalAgent[]): WorkerProcessState[] {
  return agents.flatMap((agent, nodeId) =>
    agent.processStates().map((p) => ({ nodeId, ...p, rssBytes: p.pid ? residentBytes(p.pid) : undefined })),
  );
}

function residentBytes(pid: number): number | undefined {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    return Number.isFinite(pages) ? pages * 4096 : undefined;
  } catch {
    return undefined;
  }
}

export function newWorkerId(): string {
  return `wrk_${hostname()}_${process.pid}`;
}
