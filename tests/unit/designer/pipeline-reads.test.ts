import assert from "node:assert/strict";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { listPipelineRuns } from "../../../lib/services/pipeline-runs";
import { listScriptFolders } from "../../../lib/services/script-folder-list";
import { storeScriptFolder } from "../../../lib/services/script-folders";
import { makeEntryScript, makeItemsContext, type TestContext } from "../../support/context";
import { makePipeline, runPipeline } from "../../support/factories";

/** What the designer reads of its own pipeline (Runs tab, entry-script picker), on a real SQLite database and folder. */
describe("the designer's reads: a pipeline's runs and its uploaded script folders", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(4);
  });
  after(() => ctx.cleanup());

  test("runs of one pipeline, newest first, with the version each used and its item counts; other pipelines' runs are not listed", async () => {
    const script = makeEntryScript(ctx, "echo.mjs", "export function run(batch, ctx) { return batch.map((p) => ctx.relativePath(p)); }\n");
    const first = await runPipeline(ctx, makePipeline("listed", script, "items", { step: { allow_reuse: false } }));
    const second = await runPipeline(ctx, makePipeline("listed", script, "items", { step: { allow_reuse: false, description: "v2" } }));
    await runPipeline(ctx, makePipeline("other", script, "items"));
    const runs = await listPipelineRuns(ctx.db, first.run.pipelineId);
    assert.deepEqual(
      runs.map((r) => [r.id, r.pipelineVersion, r.status, r.totalItems, r.succeededItems]),
      [
        [second.run.id, 2, "completed", 4, 4],
        [first.run.id, 1, "completed", 4, 4],
      ],
    );
    await assert.rejects(() => listPipelineRuns(ctx.db, "pl_missing"), /Pipeline 'pl_missing' does not exist/);
  });

  test("script folders uploaded for a pipeline, newest first, with every file relative to the folder", async () => {
    assert.deepEqual(listScriptFolders(ctx.env.dataDir, "pl_none"), []);
    const upload = (names: string[]) => {
      const files = names.map((name, i) => {
        const path = join(ctx.env.dataDir, "incoming", `${Date.now()}-${i}`);
        mkdirSync(join(ctx.env.dataDir, "incoming"), { recursive: true });
        writeFileSync(path, `// ${name}\n`);
        return { name, path };
      });
      return storeScriptFolder(ctx.env.dataDir, "pl_folders", files);
    };
    const older = await upload(["job/score.mjs", "job/lib/helper.mjs"]);
    utimesSync(older.sourceDirectory, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = await upload(["entry.mjs"]);
    const folders = listScriptFolders(ctx.env.dataDir, "pl_folders");
    assert.deepEqual(
      folders.map((f) => [f.sourceDirectory, f.files]),
      [
        [newer.sourceDirectory, ["entry.mjs"]],
        [older.sourceDirectory, ["lib/helper.mjs", "score.mjs"]],
      ],
    );
  });
});
