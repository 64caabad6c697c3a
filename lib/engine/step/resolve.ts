import { join } from "node:path";
import type { ResolvedRunConfig } from "../../contracts/parallel-run-config";
import { AppError } from "../../errors";
import { resolveEntry, type ResolvedEntry } from "../entry";
import { environmentCache, prepareStepEnvironment, type StepEnvironment } from "../environment";
import { resolveInput, type ResolvedInput } from "../inputs";
import { stepDataKind } from "../../pipeline/run-config-rules";
import { resolveRunConfig } from "../resolve";
import { StepDatastores } from "../step-datastores";
import type { StepOutputTarget } from "../step-output";
import type { StepContext } from "./context";

/** A step with everything it runs on made concrete: inputs, config, code, arguments, side inputs. */
export interface ResolvedStep {
  stores: StepDatastores;
  target: StepOutputTarget;
  inputs: ResolvedInput[];
  sideInputs: ResolvedInput[];
  config: ResolvedRunConfig;
  entry: ResolvedEntry;
  args: string[];
  /** Local copies of each side input, by name. */
  sideInputPaths: Record<string, string[]>;
  /** The step's environment, built and held in use (released when the step ends). */
  environment?: StepEnvironment;
}

/** Where the step writes: the output datastore is loaded and its local folder chosen. */
export async function openStepOutput(ctx: StepContext): Promise<{ stores: StepDatastores; target: StepOutputTarget }> {
  const { step, run } = ctx;
  const stores = new StepDatastores(ctx.deps.db, ctx.deps.access);
  const datastore = step.output.datastore;
  const path = (step.output.path ?? `runs/${run.id}/${step.name}`).replace(/\/+$/, "");
  await stores.load(datastore);
  const store = stores.open(datastore);
  const local = store.localPath(path) ?? join(ctx.paths.stepDir, "output");
  return { stores, target: { store, datastore, path, local } };
}

export async function resolveStep(ctx: StepContext, output: { stores: StepDatastores; target: StepOutputTarget }): Promise<ResolvedStep> {
  const { step, params } = ctx;
  const { stores } = output;
  const { inputs, sideInputs } = await resolveInputs(ctx, stores);
  const dataKind = stepDataKind(inputs.map((i) => i.kind));
  const config = resolveRunConfig(step.parallelRunConfig, params, dataKind, step.name);
  const entry = await resolveEntry(ctx.deps.db, config, params, step.name, (ref) => materializeLabels(ctx, stores, ref));
  const args = step.arguments.map((a) => String(typeof a === "object" ? (params[a.param] ?? "") : a));
  const sideInputPaths = await materializeSideInputs(ctx, stores, sideInputs);
  // Last: nothing after it may fail, so the environment it holds in use is always released.
  const environment = config.environment ? await prepareEnvironment(ctx, config.environment, config, output.target.local) : undefined;
  return { ...output, inputs, sideInputs, config, entry, args, sideInputPaths, environment };
}

/**
 * The step's environment, built on first use into the data folder's cache. A build that fails
 * leaves the step recorded (failed, with its config and folder) so that the run page lists its
 * logs, the build log among them; the orchestrator then records why.
 */
async function prepareEnvironment(ctx: StepContext, ref: string, config: ResolvedRunConfig, outputDir: string): Promise<StepEnvironment> {
  const cache = environmentCache(join(ctx.deps.access.dataDir, "environments"), ctx.deps.environmentCacheBytes);
  try {
    return await prepareStepEnvironment(ctx.deps.db, cache, ref, ctx.step.name, ctx.paths.logDir);
  } catch (error) {
    const { run, step } = ctx;
    const data = { config: JSON.stringify(config), status: "failed" as const, outputDir, endedAt: new Date() };
    await ctx.lease.commit((tx) =>
      tx.stepRun.upsert({
        where: { runId_stepName: { runId: run.id, stepName: step.name } },
        create: { id: `step_${run.id.slice(4)}_${step.name}`, runId: run.id, stepName: step.name, reuseKey: "", startedAt: new Date(), ...data },
        update: { status: "failed", endedAt: data.endedAt },
      }),
    );
    throw error;
  }
}

/** The step's inputs and side inputs, their datastores loaded; the inputs are all of one kind. */
async function resolveInputs(ctx: StepContext, stores: StepDatastores): Promise<{ inputs: ResolvedInput[]; sideInputs: ResolvedInput[] }> {
  const { deps, step, params, upstream } = ctx;
  const inputs = await Promise.all(step.inputs.map((ref) => resolveInput(deps.db, ref, params, upstream)));
  const sideInputs = await Promise.all(step.sideInputs.map((ref) => resolveInput(deps.db, ref, params, upstream)));
  for (const i of [...inputs, ...sideInputs]) await stores.load(i.datastore);
  const kinds = new Set(inputs.map((i) => i.kind));
  if (kinds.size > 1)
    throw new AppError("invalid_input", `Step '${step.name}': inputs mix file and tabular datasets; a ParallelRunStep takes inputs of one type`);
  return { inputs, sideInputs };
}

/** A scorer's labels file (`datastore://store/path`, or a path in the workspace) as a local file. */
async function materializeLabels(ctx: StepContext, stores: StepDatastores, ref: string): Promise<string> {
  const m = /^datastore:\/\/([^/]+)\/(.+)$/.exec(ref);
  const [store, path] = m ? [m[1]!, m[2]!] : ["workspace", ref];
  await stores.load(store);
  const [local] = await stores.open(store).materialize([path], join(ctx.paths.stepDir, "cache", "labels"));
  return local!;
}

/** Side inputs are given whole to every process, as local files. */
async function materializeSideInputs(ctx: StepContext, stores: StepDatastores, sideInputs: ResolvedInput[]): Promise<Record<string, string[]>> {
  const sideInputPaths: Record<string, string[]> = {};
  for (const side of sideInputs) {
    const ds = stores.open(side.datastore);
    const paths: string[] = [];
    for (const pattern of side.patterns) for await (const e of ds.list(pattern)) paths.push(e.path);
    sideInputPaths[side.name] = await ds.materialize(paths, join(ctx.paths.stepDir, "cache", "side", side.datastore));
  }
  return sideInputPaths;
}
