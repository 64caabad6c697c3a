import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AppError } from "../../../lib/errors";
import {
  createPipelineDraft,
  deletePipelineById,
  draftDefinition,
  duplicatePipeline,
  getPipelineDraft,
  listPipelineSummaries,
  publishDraft,
  renamePipeline,
  saveDraft,
} from "../../../lib/services/drafts";
import { makeFileDataset, makeTinyOnnxModel } from "../../support/factories";
import { registerModel } from "../../../lib/services/models";
import { makeTestContext, makeTextFiles, type TestContext } from "../../support/context";
import { makeLinearCanvas } from "./fixtures";

let ctx: TestContext;
before(async () => {
  ctx = await makeTestContext();
  makeTextFiles(ctx, "mnist", 3);
  await makeFileDataset(ctx, "mnist", "mnist/");
  // The fixtures' steps score with model 'mnist': publishing checks that it is registered.
  mkdirSync(join(ctx.env.dataDir, "upload"), { recursive: true });
  const file = join(ctx.env.dataDir, "upload", "mnist.onnx");
  writeFileSync(file, makeTinyOnnxModel());
  await registerModel(ctx.db, join(ctx.env.dataDir, "models"), { name: "mnist", file });
});
after(async () => ctx.cleanup());

const code = (fn: () => Promise<unknown>) =>
  fn().then(
    () => "ok",
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

test("create, save with the expected revision, and a stale save is refused with 409 semantics", async () => {
  const p = await createPipelineDraft(ctx.db, { name: "drawn" });
  assert.equal(p.revision, 1);
  assert.deepEqual(p.canvas, { nodes: [], edges: [] });
  const { graph } = makeLinearCanvas();
  const saved = await saveDraft(ctx.db, p.id, { canvas: graph, expectedRevision: 1 });
  assert.equal(saved.revision, 2);
  assert.deepEqual((await getPipelineDraft(ctx.db, p.id)).canvas, graph);
  // A second tab still on revision 1:
  await assert.rejects(
    saveDraft(ctx.db, p.id, { canvas: { nodes: [], edges: [] }, expectedRevision: 1 }),
    (e: AppError) => e.code === "conflict" && /revision 2/.test(e.message),
  );
  assert.equal((await getPipelineDraft(ctx.db, p.id)).canvas.nodes.length, 3, "the first tab's work is intact");
});

test("publish makes immutable versions; an unchanged draft publishes no new version", async () => {
  const p = await createPipelineDraft(ctx.db, { name: "published", canvas: makeLinearCanvas().graph });
  const v1 = await publishDraft(ctx.db, p.id);
  assert.equal(v1.version, 1);
  assert.equal(v1.definition.steps[0]?.name, "predict-digits");
  assert.equal((await publishDraft(ctx.db, p.id)).created, false);
  const changed = makeLinearCanvas();
  changed.step.data.parallelRunConfig.miniBatchSize = 20;
  await saveDraft(ctx.db, p.id, { canvas: changed.graph, expectedRevision: 1 });
  assert.equal((await publishDraft(ctx.db, p.id)).version, 2);
  assert.equal(await code(() => publishDraft(ctx.db, p.id, 1)), "conflict");
});

test("a draft with problems cannot be published or exported, and says why", async () => {
  const bad = makeLinearCanvas();
  bad.step.data.name = "A";
  const p = await createPipelineDraft(ctx.db, { name: "broken", canvas: bad.graph });
  await assert.rejects(draftDefinition(ctx.db, p.id), (e: AppError) => e.code === "invalid_input" && /step name 'A'/.test(e.message));
});

test("rename, duplicate, search, delete; a pipeline with runs is kept", async () => {
  const p = await createPipelineDraft(ctx.db, { name: "to-rename", canvas: makeLinearCanvas().graph });
  assert.equal(await code(() => createPipelineDraft(ctx.db, { name: "to-rename" })), "conflict");
  assert.equal(await code(() => createPipelineDraft(ctx.db, { name: "has space" })), "invalid_input");
  const renamed = await renamePipeline(ctx.db, p.id, { name: "renamed" });
  assert.equal(renamed.name, "renamed");
  const copy = await duplicatePipeline(ctx.db, p.id, { name: "renamed-copy" });
  assert.deepEqual(copy.canvas, renamed.canvas);
  assert.deepEqual(
    (await listPipelineSummaries(ctx.db, "RENAMED")).map((s) => s.name),
    ["renamed", "renamed-copy"],
  );
  await deletePipelineById(ctx.db, copy.id);
  assert.equal(await code(() => getPipelineDraft(ctx.db, copy.id)), "not_found");
  const published = await publishDraft(ctx.db, p.id);
  await ctx.db.pipelineRun.create({
    data: {
      id: "run_test",
      pipelineId: p.id,
      pipelineVersionId: published.versionId,
      experimentName: "x",
      parameters: "{}",
      status: "completed",
      runDir: "/tmp/x",
    },
  });
  // With runs, delete archives: the pipeline leaves the list, its run stays.
  assert.deepEqual(await deletePipelineById(ctx.db, p.id), { archived: true });
  assert.deepEqual(
    (await listPipelineSummaries(ctx.db, "RENAMED")).map((s) => s.name),
    [],
  );
  assert.equal((await getPipelineDraft(ctx.db, p.id)).runs, 1);
});

test("publishing names a dataset, model or datastore that is not registered", async () => {
  const { graph, step, dataset } = makeLinearCanvas();
  (step.data.parallelRunConfig.scorer as Record<string, unknown>).model = "nonexistent-model";
  dataset.data.dataset = "mnist:7";
  const p = await createPipelineDraft(ctx.db, { name: "unknown-assets", canvas: graph });
  await assert.rejects(publishDraft(ctx.db, p.id), (e: AppError) => {
    assert.equal(e.code, "invalid_input");
    assert.match(e.message, /model 'nonexistent-model' is not registered: choose one of mnist/);
    assert.match(e.message, /dataset 'mnist:7' does not exist: the latest version of 'mnist' is 1/);
    return true;
  });
});
