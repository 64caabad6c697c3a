import assert from "node:assert/strict";
import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline, runPipeline } from "../support/factories";

/** One row per item with the item's content. */
const ECHO = `
import { readFileSync } from "node:fs";
export function run(batch, ctx) {
  return batch.map((p) => ({ file: ctx.relativePath(p), value: readFileSync(p, "utf8") }));
}
`;

function output(step: { outputDir: string }): string[] {
  return readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n");
}

describe("allow_reuse and the data's change stamps", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(8);
  });
  after(async () => ctx.cleanup());

  test("one file rewritten with other content of the same size (its modification time even put back) defeats reuse", async () => {
    const script = makeEntryScript(ctx, "echo.mjs", ECHO);
    const def = makePipeline("stamped", script, "items", { step: { allow_reuse: true } });
    const first = await runPipeline(ctx, def);
    assert.equal(first.step.status, "completed");
    const unchanged = await runPipeline(ctx, def);
    assert.equal(unchanged.step.status, "reused", "nothing changed: the earlier output is reused");

    const file = join(ctx.workspace, "items", "item-003.txt");
    const before = statSync(file);
    const content = readFileSync(file, "utf8");
    const rewritten = content.replace("3", "9");
    assert.equal(rewritten.length, content.length);
    writeFileSync(file, rewritten);
    utimesSync(file, before.atime, before.mtime); // a copy tool that keeps times: only ctime tells
    assert.equal(statSync(file).size, before.size);

    const changed = await runPipeline(ctx, def);
    assert.equal(changed.step.status, "completed", "the changed file must be processed again, not reused");
    assert.ok(output(changed.step).includes("item-003.txt,value 9"), output(changed.step).join("\n"));
  });
});
