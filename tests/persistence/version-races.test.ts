import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { writeModel } from "../../lib/onnx/write";
import { registerDataset } from "../../lib/services/datasets";
import { registerModel } from "../../lib/services/models";
import { publishPipeline } from "../../lib/services/pipelines";
import { makeTestContext, makeTextFiles, postgresUnavailable, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";
import { affineGraph } from "../unit/onnx/models";

/**
 * Issue 7 case 6: versions are allocated without races. Concurrent registrations of one name
 * (several database connections on PostgreSQL) each get their own version, none a 500 (P2002).
 */
const pgSkip = await postgresUnavailable();
const CONCURRENT = 20;
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

for (const provider of ["sqlite", "postgresql"] as const) {
  describe(`concurrent versions on ${provider}`, { skip: provider === "postgresql" ? pgSkip : false }, () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await makeTestContext(provider);
      makeTextFiles(ctx, "race", 3);
    });
    after(async () => ctx?.cleanup());

    test("20 registrations of a new dataset name at once get versions 1..20", async () => {
      const views = await Promise.all(
        oneToN(CONCURRENT).map((i) =>
          registerDataset(ctx.db, ctx.access, { name: "raced", kind: "file", datastore: "workspace", paths: [`race/item-00${i % 3}.txt`] }),
        ),
      );
      assert.deepEqual(
        views.map((v) => v.version).sort((a, b) => a - b),
        oneToN(CONCURRENT),
      );
      assert.equal(await ctx.db.dataset.count({ where: { name: "raced" } }), 1);
    });

    test("a registration that is a real conflict is still refused with the reason", async () => {
      await assert.rejects(
        registerDataset(ctx.db, ctx.access, {
          name: "raced",
          kind: "tabular",
          datastore: "workspace",
          paths: ["race/item-000.txt"],
          options: { format: "csv" },
        }),
        /is a file dataset; a new version must be too/,
      );
    });

    test("20 different definitions of a new pipeline published at once get versions 1..20", async () => {
      const views = await Promise.all(
        oneToN(CONCURRENT).map((i) => publishPipeline(ctx.db, makePipeline("raced-pipeline", "/tmp/score.mjs", "raced", { config: { mini_batch_size: i } }))),
      );
      assert.deepEqual(
        views.map((v) => v.version).sort((a, b) => a - b),
        oneToN(CONCURRENT),
      );
    });

    test("one definition published 10 times at once makes one version", async () => {
      const def = makePipeline("same-pipeline", "/tmp/score.mjs", "raced");
      const views = await Promise.all(oneToN(10).map(() => publishPipeline(ctx.db, def)));
      assert.deepEqual(new Set(views.map((v) => v.version)), new Set([1]));
      assert.equal(views.filter((v) => v.created).length, 1);
    });

    test("10 registrations of a new model name at once get versions 1..10, each with its file", async () => {
      const upload = join(ctx.env.dataDir, "upload");
      mkdirSync(upload, { recursive: true });
      const file = join(upload, "affine.onnx");
      await writeModel(file, affineGraph());
      const views = await Promise.all(oneToN(10).map(() => registerModel(ctx.db, join(ctx.env.dataDir, "models"), { name: "raced-model", file })));
      assert.deepEqual(
        views.map((v) => v.version).sort((a, b) => a - b),
        oneToN(10),
      );
      assert.equal(new Set(views.map((v) => v.filePath)).size, 10);
      assert.ok(views.every((v) => existsSync(v.filePath)));
      assert.deepEqual(
        readdirSync(join(ctx.env.dataDir, "models", "raced-model")).filter((f) => f.startsWith(".upload")),
        [],
      );
    });
  });
}
