import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_DATASTORE } from "../../lib/catalog/datastores";
import { errorMessage } from "../../lib/errors";
import type { AppContext } from "../../lib/server/context";
import { registerDataset } from "../../lib/services/datasets";
import { ensureDefaultDatastore } from "../../lib/services/datastores";
import { buildEnvironment, registerEnvironment } from "../../lib/services/environments";
import { publishPipeline } from "../../lib/services/pipelines";
import { writeLargeDigits } from "./write-images";

export const LARGE_DIGITS = "large-digits";
export const LARGE_DIGITS_PIPELINE = "large-digit-identification";

const here = fileURLToPath(new URL(".", import.meta.url));

/** The second sample: large colour photos of digits, scored by an entry script using sharp from its environment. */
export function largeDigitsPipelineDefinition(modelPath: string) {
  return {
    name: LARGE_DIGITS_PIPELINE,
    description: "MNIST digits as large colour JPEG photos: sharp (from environment large-digits) resizes each to the MNIST model's 28x28 grayscale input.",
    parameters: [
      { name: "photos", type: "dataset", default: LARGE_DIGITS, description: "Photos to score" },
      { name: "batch_size", type: "int", default: 100, description: "Files per mini-batch" },
      { name: "environment", type: "string", default: LARGE_DIGITS, description: "Environment with sharp" },
    ],
    steps: [
      {
        name: "predict-large-digits",
        inputs: [{ param: "photos" }],
        output: { datastore: DEFAULT_DATASTORE },
        arguments: ["--model", modelPath],
        parallel_run_config: {
          entry_script: join(here, "score.mjs"),
          environment: { param: "environment" },
          mini_batch_size: { param: "batch_size" },
          error_threshold: 10,
          output_action: "append_row",
          append_row_file_name: "large_digits_outputs.csv",
          node_count: 1,
          process_count_per_node: 2,
          run_invocation_timeout: 120,
          run_max_try: 3,
        },
        allow_reuse: true,
      },
    ],
  };
}

/**
 * Registers environment `large-digits` (sharp) and, once it builds on this machine, writes the
 * MNIST test digits as large JPEG photos with it and registers dataset `large-digits` and the
 * pipeline. Each piece is made only when missing; a build that fails is said in one line and the
 * sample is left out. Run in the background by `prs setup`: the first start does not wait for it.
 */
export async function ensureLargeDigitsSample(ctx: AppContext, log: (line: string) => void): Promise<boolean> {
  const files = (name: string) => readFileSync(join(here, "environment", name), "utf8");
  const { view, created } = await registerEnvironment(ctx.db, {
    name: LARGE_DIGITS,
    description: "sharp, to resize and convert photos for the large-digits sample",
    packageJson: files("package.json"),
    packageLock: files("package-lock.json"),
    trustedScripts: ["sharp"],
  });
  if (created) log(`registered environment ${view.name}:${view.version}`);
  let built: Awaited<ReturnType<typeof buildEnvironment>>;
  try {
    built = await buildEnvironment(ctx.db, ctx.env.dataDir, `${view.name}:${view.version}`);
  } catch (error) {
    log(`sample ${LARGE_DIGITS_PIPELINE} left out: ${errorMessage(error)}`);
    return false;
  }
  const store = await ensureDefaultDatastore(ctx.db, ctx.access);
  const root = String(store.config.root);
  const live = { name: LARGE_DIGITS, versions: { some: { archivedAt: null } } };
  if (!(await ctx.db.dataset.findFirst({ where: live }))) {
    const count = await writeLargeDigits(built.dir, join(root, LARGE_DIGITS), join(root, `${LARGE_DIGITS}_labels.csv`));
    await registerDataset(ctx.db, ctx.access, {
      name: LARGE_DIGITS,
      kind: "file",
      datastore: DEFAULT_DATASTORE,
      paths: [`${LARGE_DIGITS}/`],
      description: `MNIST test digits as ${count} large colour JPEG photos (labels in ${LARGE_DIGITS}_labels.csv)`,
    });
    log(`registered dataset ${LARGE_DIGITS} (${count} photos)`);
  }
  const published = await publishPipeline(ctx.db, largeDigitsPipelineDefinition(join(ctx.env.dataDir, "assets", "mnist.onnx")));
  if (published.created) log(`published pipeline ${LARGE_DIGITS_PIPELINE} v${published.version}`);
  return true;
}
