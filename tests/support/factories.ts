import type { AppContext } from "../../lib/server/context";
import { registerDataset } from "../../lib/services/datasets";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";
import { executeRun } from "../../lib/engine/orchestrator";
import { encodeModel, node } from "../../lib/onnx/write";

export interface StepOverrides {
  config?: Record<string, unknown>;
  step?: Record<string, unknown>;
}

/** A one-step pipeline over a file dataset running `script`, with config overrides. */
export function makePipeline(name: string, script: string, dataset: string, overrides: StepOverrides = {}, parameters: unknown[] = []) {
  return {
    name,
    parameters,
    steps: [
      {
        name: "score-items",
        inputs: [{ dataset }],
        parallel_run_config: {
          entry_script: script,
          mini_batch_size: 5,
          error_threshold: -1,
          output_action: "append_row",
          node_count: 1,
          process_count_per_node: 2,
          run_invocation_timeout: 30,
          run_max_try: 3,
          ...overrides.config,
        },
        allow_reuse: false,
        ...overrides.step,
      },
    ],
  };
}

export async function makeFileDataset(ctx: AppContext, name: string, path: string) {
  return registerDataset(ctx.db, ctx.access, { name, kind: "file", datastore: "workspace", paths: [path] });
}

/** Publishes, submits and executes a run in this process; returns the run with its steps. */
export async function runPipeline(
  ctx: AppContext,
  definition: unknown,
  parameters: Record<string, string | number> = {},
  options: { regenerateOutputs?: boolean } = {},
) {
  const pv = await publishPipeline(ctx.db, definition);
  const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: pv.name, parameters, ...options });
  const result = await executeRun(
    { db: ctx.db, provider: ctx.provider, access: ctx.access, workerUser: ctx.workerUser, workerId: "test", flushIntervalMs: 100 },
    run.id,
  );
  const full = await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id }, include: { steps: true } });
  return { ...result, run: full, step: full.steps[0]! };
}

/** A one-node ONNX model (Relu over [N,2] floats): small, valid, loads in onnxruntime. */
export function makeTinyOnnxModel(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(
    encodeModel({
      name: "tiny",
      inputs: [{ name: "x", type: "float32", shape: ["n", 2] }],
      outputs: [{ name: "y", type: "float32", shape: ["n", 2] }],
      initializers: [],
      nodes: [node("Relu", ["x"], ["y"])],
    }),
  );
}
