import { join } from "node:path";
import type { DatastoreAccess } from "../../catalog/datastores";
import type { Db } from "../../db/client";
import type { DbProvider } from "../../db/provider";
import type { StepDefinition } from "../../contracts/pipeline";
import type { ResolvedRunConfig } from "../../contracts/parallel-run-config";
import type { ClusterDeps } from "../../cluster/dispatch";
import type { RunEventSink } from "../events";
import type { StepOutputRef } from "../inputs";
import type { RunLease } from "../lease";
import type { ParameterValues } from "../resolve";
import type { StepOutputTarget } from "../step-output";
import type { WorkerUser } from "../worker-user";
import type { ProcessLauncher } from "../warm-pool";

export interface OrchestratorDeps {
  db: Db;
  provider: DbProvider;
  workerId: string;
  /** Allowed local roots and the secret key the run's datastores are opened with. */
  access: DatastoreAccess;
  /** The unprivileged user worker processes run as (worker-user.ts); undefined: this process's user. */
  workerUser?: WorkerUser;
  /** Booted worker processes to take instead of forking (warm-pool.ts); without it each step forks its own. */
  warmPool?: ProcessLauncher;
  events?: RunEventSink;
  /** How often progress, mini-batch states and the heartbeat are written. */
  flushIntervalMs?: number;
  /** The lease: another pool takes the run over after this long without a heartbeat. */
  leaseMs?: number;
  /** Where failed heartbeats and a lost lease are reported (default: stderr). */
  log?: (line: string) => void;
  /** Size built environments are kept under (default 10 GB). */
  environmentCacheBytes?: number;
  /** Redis and its key prefix when the studio runs with REDIS_URL: steps may run on agent pools. */
  cluster?: ClusterDeps;
}

export const logToStderr = (line: string) => void process.stderr.write(`${line}\n`);

export type RunRow = { id: string; runDir: string; experimentName: string; regenerateOutputs: boolean };

/** Everything a step of a run is run with: who runs it, for which run, under which lease. */
export interface StepContext {
  deps: OrchestratorDeps;
  events: RunEventSink;
  run: RunRow;
  step: StepDefinition;
  params: ParameterValues;
  /** Outputs of the steps run so far, by step name: this step adds its own. */
  upstream: Map<string, StepOutputRef>;
  lease: RunLease;
  paths: StepPaths;
}

/** The step's folders under the run folder. */
export interface StepPaths {
  stepDir: string;
  logDir: string;
  segmentsDir: string;
}

export function stepPaths(runDir: string, stepName: string): StepPaths {
  const stepDir = join(runDir, stepName);
  return { stepDir, logDir: join(stepDir, "logs"), segmentsDir: join(stepDir, "segments") };
}

export interface StepResult {
  status: "completed" | "reused" | "failed" | "cancelled";
  sentence: string;
}

/** Makes the step's output an input the next steps can name. */
export function registerOutput(ctx: StepContext, target: StepOutputTarget, config: ResolvedRunConfig, columns: boolean): void {
  ctx.upstream.set(ctx.step.name, {
    datastore: target.datastore,
    path: target.path,
    outputAction: config.outputAction,
    appendRowFileName: config.appendRowFileName,
    columns,
  });
}
