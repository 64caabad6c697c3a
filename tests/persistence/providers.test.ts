import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { migrate } from "../../lib/db/migrate";
import { registerDatastore, listDatastores } from "../../lib/services/datastores";
import { resolveDataset } from "../../lib/catalog/datasets";
import { registerDataset } from "../../lib/services/datasets";
import { deletePipeline, getPipelineVersion, listPipelines, publishPipeline } from "../../lib/services/pipelines";
import { claimNextRun } from "../../lib/engine/claim";
import { cancelRun, resumeRun, submitRun } from "../../lib/services/runs";
import { makeEntryScript, makeTestContext, makeTextFiles, postgresUnavailable, type TestContext } from "../support/context";
import { makeFileDataset, makePipeline, runPipeline } from "../support/factories";

const pgSkip = await postgresUnavailable();

for (const provider of ["sqlite", "postgresql"] as const) {
  describe(`persistence on ${provider}`, { skip: provider === "postgresql" ? pgSkip : false }, () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await makeTestContext(provider);
    });
    after(async () => ctx?.cleanup());

    test("migrations are recorded and applying them again does nothing", async () => {
      assert.deepEqual(await migrate(ctx.env.databaseUrl), []);
      const rows = await ctx.db.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(`SELECT migration_name, checksum FROM "_prisma_migrations"`);
      const folders = readdirSync(join("prisma", provider, "migrations"), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      assert.deepEqual(rows.map((r) => r.migration_name).sort(), folders);
      assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum)));
    });

    test("datastore secrets are stored but never in views", async () => {
      await registerDatastore(ctx.db, ctx.access, {
        name: "blobs",
        kind: "azure-blob",
        config: { container: "sampledata", auth: "connection-string" },
        secret: {
          connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;",
        },
      });
      const views = await listDatastores(ctx.db);
      const blob = views.find((v) => v.name === "blobs")!;
      assert.equal(blob.hasSecret, true);
      assert.ok(!JSON.stringify(views).includes("c2VjcmV0"));
      await assert.rejects(() => registerDatastore(ctx.db, ctx.access, { name: "blobs", kind: "local", config: { root: ctx.workspace } }), /already exists/);
    });

    test("datasets and pipelines are versioned; published versions are immutable", async () => {
      makeTextFiles(ctx, "v", 3);
      const v1 = await registerDataset(ctx.db, ctx.access, { name: "texts", kind: "file", datastore: "workspace", paths: ["v/"] });
      const v2 = await registerDataset(ctx.db, ctx.access, { name: "texts", kind: "file", datastore: "workspace", paths: ["v/*.txt"] });
      assert.deepEqual([v1.version, v2.version], [1, 2]);
      assert.deepEqual((await resolveDataset(ctx.db, "texts:1")).paths, ["v/"]);
      assert.equal((await resolveDataset(ctx.db, "texts")).version, 2);
      const def = makePipeline("versioned", "/tmp/a.mjs", "texts");
      assert.equal((await publishPipeline(ctx.db, def)).version, 1);
      assert.equal((await publishPipeline(ctx.db, def)).created, false);
      const changed = makePipeline("versioned", "/tmp/a.mjs", "texts", { config: { mini_batch_size: 2 } });
      assert.equal((await publishPipeline(ctx.db, changed)).version, 2);
      assert.equal((await getPipelineVersion(ctx.db, "versioned", 1)).definition.steps[0]!.parallelRunConfig.miniBatchSize, 5);
    });

    test("a run writes one MiniBatch row per mini-batch with attempts and counts", async () => {
      makeTextFiles(ctx, "run-items", 12);
      await makeFileDataset(ctx, "run-items", "run-items/");
      const script = makeEntryScript(ctx, "echo.mjs", `export function run(batch, ctx) { return batch.map((p) => ctx.relativePath(p)); }`);
      const { status, step } = await runPipeline(ctx, makePipeline("persisted", script, "run-items", { config: { mini_batch_size: 5 } }));
      assert.equal(status, "completed");
      const batches = await ctx.db.miniBatch.findMany({ where: { stepRunId: step.id }, orderBy: { idx: "asc" } });
      assert.deepEqual(
        batches.map((b) => [b.idx, b.itemCount, b.status, b.attempts, b.succeededItems]),
        [
          [0, 5, "succeeded", 1, 5],
          [1, 5, "succeeded", 1, 5],
          [2, 2, "succeeded", 1, 2],
        ],
      );
      assert.ok(batches.every((b) => b.endedAt instanceof Date && b.elapsedMs !== null));
      assert.equal(readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").split("\n").filter(Boolean).length, 12);
    });

    test("deleting a pipeline with runs archives it: its name is free, its runs keep their history", async () => {
      const runsBefore = await ctx.db.pipelineRun.count({ where: { pipeline: { name: "persisted" } } });
      assert.ok(runsBefore > 0);
      assert.deepEqual(await deletePipeline(ctx.db, "persisted"), { archived: true });
      assert.ok(!(await listPipelines(ctx.db)).some((p) => p.name === "persisted"));
      await assert.rejects(() => getPipelineVersion(ctx.db, "persisted"), /Pipeline 'persisted' does not exist/);
      const archived = await ctx.db.pipeline.findFirstOrThrow({ where: { archivedAt: { not: null } }, include: { _count: { select: { runs: true } } } });
      assert.match(archived.name, /^persisted\.deleted-/);
      assert.equal(archived._count.runs, runsBefore);
      assert.equal((await publishPipeline(ctx.db, makePipeline("persisted", "/tmp/a.mjs", "run-items"))).version, 1);
      await publishPipeline(ctx.db, makePipeline("scratch", "/tmp/a.mjs", "run-items"));
      assert.deepEqual(await deletePipeline(ctx.db, "scratch"), { archived: false });
      assert.equal(await ctx.db.pipeline.count({ where: { name: "scratch" } }), 0);
    });

    test("queued runs are claimed once; cancel and resume move the status", async () => {
      const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "persisted" });
      const [a, b] = await Promise.all([claimNextRun(ctx.db, "w1"), claimNextRun(ctx.db, "w2")]);
      assert.deepEqual(
        [a, b].flatMap((c) => (c ? [c.runId] : [])),
        [run.id],
      );
      assert.equal((await cancelRun(ctx.db, run.id)).status, "cancelling");
      await ctx.db.pipelineRun.update({ where: { id: run.id }, data: { status: "cancelled" } });
      assert.equal((await resumeRun(ctx.db, run.id)).status, "queued");
    });
  });
}
