import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../../lib/errors";
import { registerDataset } from "../../../lib/services/datasets";
import { previewDataset } from "../../../lib/services/dataset-preview";
import { makeTestContext, makeEntryScript, type TestContext } from "../../support/context";
import { makePipeline, runPipeline } from "../../support/factories";

const SECRET = "TOPSECRET-payroll-7f3a.txt";

/** A folder beside the workspace datastore holding a file whose name must never be shown. */
function plantSecret(ctx: TestContext): void {
  const sibling = join(ctx.env.dataDir, "private");
  mkdirSync(sibling, { recursive: true });
  writeFileSync(join(sibling, SECRET), "do not list me");
  mkdirSync(join(ctx.workspace, "images"), { recursive: true });
  writeFileSync(join(ctx.workspace, "images", "0.png"), "png");
  // A link inside the datastore to the folder outside it.
  symlinkSync(join(ctx.env.dataDir, "private"), join(ctx.workspace, "escape"));
}

const ESCAPING = [
  "../x",
  "/etc/*",
  "a/../../b",
  "../*",
  "../private/*",
  "{..,images}/*",
  "images/@(..)/*",
  "escape/*",
  "escape/",
  "escape/**",
  "escape/new.txt",
  "images/../escape/x",
];

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => assert.fail("expected a refusal"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
  return error;
}

test("registration refuses paths that leave the datastore, naming the path, and never shows outside names", async () => {
  const ctx = await makeTestContext();
  try {
    plantSecret(ctx);
    for (const path of ESCAPING) {
      const error = await refusal(registerDataset(ctx.db, ctx.access, { name: "leak", kind: "file", datastore: "workspace", paths: ["images/", path] }));
      assert.equal(error.code, "invalid_input", `${path}: ${error.message}`);
      assert.ok(error.message.includes(`'${path}'`), `the message names the path ${path}: ${error.message}`);
      assert.ok(error.message.includes("Dataset 'leak'"), error.message);
      assert.ok(!error.message.includes(SECRET), `no outside name in: ${error.message}`);
    }
    assert.equal(await ctx.db.dataset.count({ where: { name: "leak" } }), 0, "nothing was registered");

    const ok = await registerDataset(ctx.db, ctx.access, {
      name: "images",
      kind: "file",
      datastore: "workspace",
      paths: ["images/", "./images/*.png", "{images,other}/**"],
    });
    assert.equal(ok.version, 1, "paths inside the datastore are accepted");
  } finally {
    await ctx.cleanup();
  }
});

test("glob expansion in the preview refuses escaping patterns and never lists names outside the datastore", async () => {
  const ctx = await makeTestContext();
  try {
    plantSecret(ctx);
    for (const path of ESCAPING) {
      const error = await refusal(previewDataset(ctx.db, ctx.access, { datastore: "workspace", kind: "file", paths: [path] }));
      assert.equal(error.code, "invalid_input", `${path}: ${error.message}`);
      assert.ok(!error.message.includes(SECRET), `no outside name in: ${error.message}`);
    }
    // Globs that walk the whole datastore pass the link by.
    for (const path of ["**", "*/*", "**/*.txt", ""]) {
      const preview = await previewDataset(ctx.db, ctx.access, { datastore: "workspace", kind: "file", paths: [path] });
      assert.ok(!JSON.stringify(preview).includes(SECRET), `${path} lists no outside name: ${JSON.stringify(preview)}`);
    }
  } finally {
    await ctx.cleanup();
  }
});

test("a run given an escaping path fails with a message that shows no outside name", async () => {
  const ctx = await makeTestContext();
  try {
    plantSecret(ctx);
    const script = makeEntryScript(ctx, "echo.mjs", "export function run(batch) { return batch; }");
    const definition = makePipeline("escape-run", script, "images", {}, []);
    await registerDataset(ctx.db, ctx.access, { name: "images", kind: "file", datastore: "workspace", paths: ["images/"] });
    definition.steps[0]!.inputs = [{ dataset: "datastore://workspace/escape/*" }];
    const { run } = await runPipeline(ctx, definition);
    assert.equal(run.status, "failed");
    assert.match(run.statusReason ?? "", /escape\/\*/);
    assert.ok(!(run.statusReason ?? "").includes(SECRET), run.statusReason ?? "");
  } finally {
    await ctx.cleanup();
  }
});
