import { join } from "node:path";
import type { AppContext } from "../lib/server/context";
import { DEFAULT_DATASTORE } from "../lib/catalog/datastores";
import { ensureDefaultDatastore } from "../lib/services/datastores";
import { registerDataset } from "../lib/services/datasets";
import { registerModel } from "../lib/services/models";
import { publishPipeline } from "../lib/services/pipelines";
import { ensureMnistAssets } from "./mnist/assets";

export const SAMPLE_PIPELINE = "digit-identification";

/** The tutorial's pipeline, as Azure's notebook builds it, with this product's built-in scorer. */
export function samplePipelineDefinition() {
  return {
    name: SAMPLE_PIPELINE,
    description: "Azure's batch-inference tutorial: identify MNIST digits with a registered ONNX model.",
    parameters: [
      { name: "mnist_param", type: "dataset", default: "mnist", description: "Images to score" },
      { name: "batch_size_param", type: "int", default: 5, description: "Files per mini-batch" },
      { name: "process_count_param", type: "int", default: 2, description: "Worker processes per node" },
    ],
    steps: [
      {
        name: "predict-digits-mnist",
        inputs: [{ param: "mnist_param" }],
        output: { datastore: DEFAULT_DATASTORE },
        parallel_run_config: {
          scorer: { kind: "onnx-image-classifier", model: "mnist", labels: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] },
          mini_batch_size: { param: "batch_size_param" },
          error_threshold: 10,
          output_action: "append_row",
          append_row_file_name: "mnist_outputs.txt",
          node_count: 2,
          process_count_per_node: { param: "process_count_param" },
          run_invocation_timeout: 60,
          run_max_try: 3,
          logging_level: "INFO",
        },
        allow_reuse: true,
      },
    ],
  };
}

/**
 * First start: the default datastore, the MNIST test images as PNG files in it, a digit
 * classifier trained here and registered as model `mnist`, dataset `mnist` and the sample
 * pipeline. Each piece is made only when missing.
 */
export async function ensureSample(ctx: AppContext, log: (line: string) => void = () => {}): Promise<void> {
  const store = await ensureDefaultDatastore(ctx.db, ctx.access);
  const root = String(store.config.root);
  const modelPath = join(ctx.env.dataDir, "assets", "mnist.onnx");
  await ensureMnistAssets({ modelPath, imagesDir: join(root, "mnist"), labelsPath: join(root, "mnist_labels.csv"), log });
  // A name whose versions were all deleted (archived ones included) is registered again.
  const live = { name: "mnist", versions: { some: { archivedAt: null } } };
  if (!(await ctx.db.model.findFirst({ where: live }))) {
    await registerModel(ctx.db, join(ctx.env.dataDir, "models"), {
      name: "mnist",
      file: modelPath,
      description: "MNIST digit classifier (784-128-10 MLP) trained on first start",
      tags: { data: "mnist", type: "classification" },
    });
    log("registered model mnist");
  }
  if (!(await ctx.db.dataset.findFirst({ where: live }))) {
    await registerDataset(ctx.db, ctx.access, {
      name: "mnist",
      kind: "file",
      datastore: DEFAULT_DATASTORE,
      paths: ["mnist/"],
      description: "MNIST test images (10,000 PNG files)",
    });
    log("registered dataset mnist");
  }
  const published = await publishPipeline(ctx.db, samplePipelineDefinition());
  if (published.created) log(`published pipeline ${SAMPLE_PIPELINE} v${published.version}`);
}
