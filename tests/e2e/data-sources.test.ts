import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openDatastore } from "../../lib/datastores/index";
import { loadMnist, type MnistSet } from "../../samples/mnist/idx";
import { mlpFromOnnx } from "../../samples/mnist/onnx-export";
import { writeModel } from "../../lib/onnx/write";
import { registerDatastore } from "../../lib/services/datastores";
import { registerDataset } from "../../lib/services/datasets";
import { registerModel } from "../../lib/services/models";
import { startAzurite, type AzuriteHandle } from "../support/azurite";
import { makeEntryScript, makeTestContext, type TestContext } from "../support/context";
import { runPipeline } from "../support/factories";
import { trainedMnistModel } from "../unit/mnist/trained-model";
import { thirdPartyGraph } from "../unit/scorers/third-party-model";
import { writeDigits } from "../unit/scorers/fixtures";

function imagePipeline(name: string, dataset: string, scorer: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name,
    steps: [
      {
        name: "predict-digits",
        inputs: [{ dataset }],
        parallel_run_config: {
          scorer: { kind: "onnx-image-classifier", ...scorer },
          mini_batch_size: 8,
          error_threshold: 10,
          output_action: "append_row",
          node_count: 1,
          process_count_per_node: 2,
          run_max_try: 1,
        },
        allow_reuse: false,
        ...extra,
      },
    ],
  };
}

function accuracy(csv: string, digits: MnistSet, column = 1): number {
  const rows = csv.trimEnd().split("\n").slice(1);
  let correct = 0;
  for (const row of rows) {
    const cells = row.split(",");
    const n = Number.parseInt(cells[0]!.split("/").pop()!, 10);
    if (Number(cells[column]) === digits.labels[n]) correct++;
  }
  return correct / rows.length;
}

describe("data sources and built-in scorers through the engine", () => {
  let ctx: TestContext;
  let azurite: AzuriteHandle;
  let digits: MnistSet;
  let modelPath: string;
  before(async () => {
    [ctx, azurite] = await Promise.all([makeTestContext("sqlite"), startAzurite()]);
    digits = loadMnist("test");
    modelPath = (await trainedMnistModel()).path;
    await registerModel(ctx.db, join(ctx.env.dataDir, "models"), { name: "mnist", file: modelPath, tags: { source: "test" } });
  });
  after(async () => {
    await ctx?.cleanup();
    await azurite?.stop();
  });

  test("a FileDataset in Azure Blob Storage (Azurite): bad files fail alone, output written back to the container", async () => {
    const local = join(ctx.env.dataDir, "upload");
    const files = await writeDigits(digits, local, 40, "png");
    writeFileSync(join(local, "corrupt.png"), Buffer.concat([readFileSync(files[0]!).subarray(0, 60), Buffer.from("garbage")]));
    writeFileSync(join(local, "notes.txt"), "not an image");
    await registerDatastore(ctx.db, ctx.access, {
      name: "mnist_datastore",
      kind: "azure-blob",
      config: { container: "sampledata", auth: "connection-string" },
      secret: { connectionString: azurite.connectionString },
    });
    const blob = openDatastore("azure-blob", { container: "sampledata", auth: "connection-string" }, { connectionString: azurite.connectionString });
    const { ContainerClient } = await import("@azure/storage-blob");
    await new ContainerClient(azurite.connectionString, "sampledata").createIfNotExists();
    for (const name of [...files.map((f) => f.split("/").pop()!), "corrupt.png", "notes.txt"])
      await blob.write(`mnist/${name}`, readFileSync(join(local, name)));
    await registerDataset(ctx.db, ctx.access, { name: "mnist_blob", kind: "file", datastore: "mnist_datastore", paths: ["mnist/"] });

    const { status, step, run } = await runPipeline(
      ctx,
      imagePipeline("blob-digits", "mnist_blob", { model: "mnist" }, { output: { datastore: "mnist_datastore", path: "results/blob-digits" } }),
    );
    assert.equal(status, "completed");
    assert.equal(step.succeededItems, 40);
    assert.equal(step.failedItems, 2);
    const csv = (await blob.read("results/blob-digits/parallel_run_step.txt")).toString("utf8");
    assert.equal(csv.split("\n")[0], "file,label,probability");
    assert.equal(csv.trimEnd().split("\n").length, 41);
    assert.ok(accuracy(csv, digits) >= 0.9);
    const errors = readFileSync(join(run.runDir, "predict-digits", "logs", "job_error.txt"), "utf8");
    assert.match(errors, /corrupt\.png/);
    assert.match(errors, /notes\.txt: not a PNG or JPEG image/);
    assert.ok(
      !readFileSync(join(run.runDir, "predict-digits", "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8").includes(azurite.accountKey),
    );
  });

  test("a third-party model (input_1, NHWC, RGB, raw pixels) runs by configuration alone", async () => {
    const file = join(ctx.env.dataDir, "digits_nhwc.onnx");
    await writeModel(file, thirdPartyGraph(mlpFromOnnx(readFileSync(modelPath))));
    const model = await registerModel(ctx.db, join(ctx.env.dataDir, "models"), { name: "digits-nhwc", file });
    assert.deepEqual(model.signature.inputs[0]!.name, "input_1");
    await writeDigits(digits, join(ctx.workspace, "rgb"), 60, "rgb-png");
    await registerDataset(ctx.db, ctx.access, { name: "rgb-digits", kind: "file", datastore: "workspace", paths: ["rgb/*.png"] });
    const { status, step } = await runPipeline(
      ctx,
      imagePipeline("third-party", "rgb-digits", { model: "digits-nhwc", layout: "NHWC", color: "rgb", scale: 1 }),
    );
    assert.equal(status, "completed");
    assert.ok(accuracy(readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8"), digits) >= 0.95);
  });

  test("settings that do not fit the model fail the job with a message naming the input", async () => {
    const { status, reason } = await runPipeline(ctx, imagePipeline("misfit", "rgb-digits", { model: "mnist", color: "rgb" }));
    assert.equal(status, "failed");
    assert.match(reason, /init\(\) failed in every worker process: .*image.*1, 28, 28|init\(\) failed in every worker process: .*color/i);
  });

  test("an invalid ONNX file is refused at registration", async () => {
    const file = join(ctx.env.dataDir, "broken.onnx");
    writeFileSync(file, "this is not a model");
    await assert.rejects(() => registerModel(ctx.db, join(ctx.env.dataDir, "models"), { name: "broken", file }), /broken\.onnx is not a valid ONNX model/);
  });

  test("TabularDataset: mini-batches by size never span files, large files split, malformed rows fail alone", async () => {
    const dir = join(ctx.workspace, "tables");
    mkdirSync(dir, { recursive: true });
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `${from + i},${(from + i) % 3 === 0 ? "north" : "south"},${(from + i) * 2}`).join("\n");
    writeFileSync(join(dir, "a.csv"), `id,region,amount\n${rows(0, 200)}\n`);
    writeFileSync(join(dir, "b.csv"), `id,region,amount\n${rows(200, 205)}\n"bad,row\n${rows(205, 210)}\n`);
    await registerDataset(ctx.db, ctx.access, { name: "sales", kind: "tabular", datastore: "workspace", paths: ["tables/*.csv"], options: { format: "csv" } });
    const script = makeEntryScript(
      ctx,
      "tabular.mjs",
      `export function run(rows, ctx) {
  const ids = rows.map((r) => r.id);
  return rows.map((r) => ({ id: r.id, doubled: r.amount * 2, first: ids[0], last: ids[ids.length - 1], region: r.region }));
}`,
    );
    const def = (name: string, config: Record<string, unknown>) => ({
      name,
      steps: [
        {
          name: "sum-sales",
          inputs: [{ dataset: "sales" }],
          parallel_run_config: { entry_script: script, error_threshold: 5, output_action: "append_row", process_count_per_node: 2, ...config },
          allow_reuse: false,
        },
      ],
    });
    const sized = await runPipeline(ctx, def("sales-sized", { mini_batch_size: "1KB" }));
    assert.equal(sized.status, "completed");
    assert.equal(sized.step.failedItems, 1);
    const out = readFileSync(join(sized.step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n");
    assert.equal(out[0], "id,doubled,first,last,region");
    const ids = out.slice(1).map((l) => Number(l.split(",")[0]));
    assert.deepEqual(
      ids,
      Array.from({ length: 210 }, (_, i) => i),
    );
    assert.ok(sized.step.totalMiniBatches >= 4, "a.csv (about 3 KB) is split into several mini-batches");
    for (const line of out.slice(1)) {
      const [, , first, last] = line.split(",").map(Number);
      assert.ok(first! < 200 === last! < 200, `mini-batch ${first}..${last} spans two files`);
    }
    const errors = readFileSync(join(sized.run.runDir, "sum-sales", "logs", "job_error.txt"), "utf8");
    assert.match(errors, /b\.csv/);

    const parts = await runPipeline(ctx, def("sales-partitioned", { partition_keys: ["region"] }));
    assert.equal(parts.status, "completed");
    assert.equal(parts.step.totalMiniBatches, 2 + 1, "one mini-batch per region, plus the unreadable row");
    const byRegion = readFileSync(join(parts.step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n").slice(1);
    for (const line of byRegion) {
      const cells = line.split(",");
      assert.equal(cells[4], Number(cells[0]) % 3 === 0 ? "north" : "south");
    }
    assert.equal(byRegion.length, 210);
  });
});
