import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AppError } from "../../../lib/errors";
import { writeModel } from "../../../lib/onnx/write";
import { resolveDataset } from "../../../lib/catalog/datasets";
import { resolveModel } from "../../../lib/catalog/models";
import { listDatasets, registerDataset } from "../../../lib/services/datasets";
import { listDatastores, registerDatastore } from "../../../lib/services/datastores";
import { listModels, registerModel } from "../../../lib/services/models";
import { deletePipeline, publishPipeline } from "../../../lib/services/pipelines";
import { deleteDataset, deleteDatastore, deleteModel } from "../../../lib/services/registry-delete";
import { cancelRun, submitRun } from "../../../lib/services/runs";
import { makeEntryScript, makeTestContext, postgresUnavailable, type TestContext } from "../../support/context";
import { makePipeline, runPipeline } from "../../support/factories";
import { affineGraph } from "../onnx/models";
import { makeTestUser, type TestUser, withAuth } from "../../support/auth";

/** Registers an existing local folder (created here) as datastore `name`: registration refuses a folder that does not exist. */
function registerFolder(ctx: TestContext, name: string, root: string) {
  mkdirSync(root, { recursive: true });
  return registerDatastore(ctx.db, ctx.access, { name, kind: "local", config: { root } });
}

const REPO = resolve(import.meta.dirname, "../../..");

async function refused(promise: Promise<unknown>, code: AppError["code"]): Promise<string> {
  const error = await promise.then(
    () => assert.fail(`expected a ${code} refusal`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error.message;
}

function files(ctx: TestContext, folder: string): string {
  mkdirSync(join(ctx.workspace, folder), { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(join(ctx.workspace, folder, `${i}.txt`), `item ${i}`);
  return `${folder}/`;
}

const dataset = (ctx: TestContext, name: string, folder = name) =>
  registerDataset(ctx.db, ctx.access, { name, kind: "file", datastore: "workspace", paths: [files(ctx, folder)] });

async function model(ctx: TestContext, name: string) {
  const file = join(ctx.env.dataDir, "upload", `${name}.onnx`);
  mkdirSync(join(ctx.env.dataDir, "upload"), { recursive: true });
  await writeModel(file, affineGraph());
  return registerModel(ctx.db, join(ctx.env.dataDir, "models"), { name, file });
}

/** A published pipeline with a tabular ONNX scorer on `modelRef` (never executed). */
const scorerPipeline = (ctx: TestContext, name: string, modelRef: string, input: string) =>
  publishPipeline(ctx.db, {
    name,
    steps: [
      {
        name: "score-rows",
        inputs: [{ dataset: input }],
        parallel_run_config: {
          scorer: { kind: "onnx-tabular", model: modelRef, columns: ["a", "b", "c"] },
          mini_batch_size: 2,
          error_threshold: -1,
          output_action: "append_row",
        },
      },
    ],
  });

for (const provider of ["sqlite", "postgresql"] as const) {
  const skip = provider === "postgresql" ? await postgresUnavailable() : false;

  test(`${provider}: what nothing uses is deleted, from the lists and from disk`, { skip }, async () => {
    const ctx = await makeTestContext(provider);
    try {
      await dataset(ctx, "spare");
      await dataset(ctx, "spare");
      const m = await model(ctx, "spare-model");
      const root = join(ctx.env.dataDir, "extra-store");
      await registerFolder(ctx, "extra", root);

      assert.deepEqual(await deleteDataset(ctx.db, "spare:1"), { deleted: ["spare:1"], archived: [], message: "deleted dataset 'spare:1'" });
      assert.equal((await resolveDataset(ctx.db, "spare")).version, 2, "the other version stays");
      assert.deepEqual((await deleteDataset(ctx.db, "spare")).deleted, ["spare:2"]);
      assert.equal(await ctx.db.dataset.count({ where: { name: "spare" } }), 0, "no version left: the dataset goes too");

      assert.ok(existsSync(m.filePath));
      assert.deepEqual((await deleteModel(ctx.db, "spare-model:1")).deleted, ["spare-model:1"]);
      assert.ok(!existsSync(m.filePath), "the stored ONNX file is removed");
      assert.deepEqual(await listModels(ctx.db), []);

      assert.deepEqual((await deleteDatastore(ctx.db, "extra")).deleted, ["extra"]);
      assert.deepEqual(
        (await listDatastores(ctx.db)).map((d) => d.name),
        ["workspace"],
      );

      assert.match(await refused(deleteDataset(ctx.db, "spare"), "not_found"), /Dataset 'spare' is not registered/);
      assert.match(await refused(deleteDatastore(ctx.db, "workspace"), "conflict"), /default datastore/);
    } finally {
      await ctx.cleanup();
    }
  });

  test(`${provider}: a pipeline version that uses it refuses the delete, naming the pipeline`, { skip }, async () => {
    const ctx = await makeTestContext(provider);
    try {
      await dataset(ctx, "mnist");
      await dataset(ctx, "mnist");
      await model(ctx, "digits");
      await scorerPipeline(ctx, "digit-identification", "digits", "mnist:1");
      await publishPipeline(ctx.db, makePipeline("latest-user", "score.mjs", "mnist", { step: { output: { datastore: "extra" } } }));
      await registerFolder(ctx, "extra", join(ctx.env.dataDir, "extra"));

      assert.equal(
        await refused(deleteDataset(ctx.db, "mnist:1"), "conflict"),
        "dataset 'mnist:1' is used by pipeline 'digit-identification' version 1; delete or archive that pipeline first",
      );
      // "mnist" means the latest version: that one is in use, the first is not (by that pipeline).
      assert.match(await refused(deleteDataset(ctx.db, "mnist:2"), "conflict"), /^dataset 'mnist:2' is used by pipeline 'latest-user' version 1;/);
      assert.match(
        await refused(deleteModel(ctx.db, "digits"), "conflict"),
        /^model 'digits:1' is used by pipeline 'digit-identification' version 1; delete or archive that pipeline first$/,
      );
      assert.match(await refused(deleteDatastore(ctx.db, "extra"), "conflict"), /^datastore 'extra' is used by pipeline 'latest-user' version 1;/);
      assert.match(await refused(deleteDatastore(ctx.db, "workspace"), "conflict"), /default datastore/);

      await deletePipeline(ctx.db, "digit-identification");
      assert.deepEqual((await deleteDataset(ctx.db, "mnist:1")).deleted, ["mnist:1"], "free once the pipeline is gone");
      assert.deepEqual((await deleteModel(ctx.db, "digits")).deleted, ["digits:1"]);
    } finally {
      await ctx.cleanup();
    }
  });

  test(`${provider}: an unfinished run refuses the delete; once it ended, the thing is archived`, { skip }, async () => {
    const ctx = await makeTestContext(provider);
    try {
      await dataset(ctx, "items");
      await model(ctx, "digits");
      await registerFolder(ctx, "extra", join(ctx.env.dataDir, "extra"));
      const definition = makePipeline("queued-user", "score.mjs", "items", { step: { output: { datastore: "extra" } } });
      await publishPipeline(ctx.db, definition);
      await scorerPipeline(ctx, "scoring", "digits", "items");
      const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "queued-user" });
      const scoring = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "scoring" });
      // Archived pipelines no longer block: the queued runs do.
      await deletePipeline(ctx.db, "queued-user");
      await deletePipeline(ctx.db, "scoring");

      assert.equal(
        await refused(deleteDataset(ctx.db, "items:1"), "conflict"),
        `dataset 'items:1' is used by run ${run.id} (queued), run ${scoring.id} (queued); wait for those runs to end or cancel them`,
      );
      assert.equal(
        await refused(deleteModel(ctx.db, "digits:1"), "conflict"),
        `model 'digits:1' is used by run ${scoring.id} (queued); wait for that run to end or cancel it`,
      );
      assert.match(await refused(deleteDatastore(ctx.db, "extra"), "conflict"), new RegExp(`^datastore 'extra' is used by run ${run.id} \\(queued\\)`));

      await cancelRun(ctx.db, run.id);
      await cancelRun(ctx.db, scoring.id);
      const archived = await deleteDataset(ctx.db, "items:1");
      assert.deepEqual(archived.archived, ["items:1"], archived.message);
      assert.match(archived.message, /archived dataset 'items:1' \(finished runs used it/);
      assert.deepEqual(await listDatasets(ctx.db), [], "an archived version leaves the lists and pickers");
      assert.match(await refused(resolveDataset(ctx.db, "items:1"), "not_found"), /was deleted/);
      assert.equal(await ctx.db.datasetVersion.count(), 1, "its row is kept for the runs' history");
      const again = await dataset(ctx, "items");
      assert.equal(again.version, 2, "a new registration continues the version numbers");

      assert.deepEqual((await deleteModel(ctx.db, "digits")).archived, ["digits:1"]);
      assert.match(await refused(resolveModel(ctx.db, "digits"), "not_found"), /no version left/);

      const store = await deleteDatastore(ctx.db, "extra");
      assert.deepEqual(store.archived, ["extra"]);
      await registerFolder(ctx, "extra", join(ctx.env.dataDir, "extra2"));
      assert.deepEqual(
        (await listDatastores(ctx.db)).map((d) => d.name),
        ["extra", "workspace"],
        "the archived datastore frees its name",
      );
    } finally {
      await ctx.cleanup();
    }
  });

  test(`${provider}: a completed run archives the dataset version it read; a datastore holding datasets is refused`, { skip }, async () => {
    const ctx = await makeTestContext(provider);
    try {
      await dataset(ctx, "items");
      const script = makeEntryScript(ctx, "echo.mjs", "export function run(batch) { return batch; }");
      const { run } = await runPipeline(ctx, makePipeline("reader", script, "items"));
      assert.equal(run.status, "completed", run.statusReason ?? "");
      await deletePipeline(ctx.db, "reader");
      await registerDataset(ctx.db, ctx.access, { name: "later", kind: "file", datastore: "workspace", paths: ["items/"] });

      assert.deepEqual(await deleteDataset(ctx.db, "items"), {
        deleted: [],
        archived: ["items:1"],
        message: "archived dataset 'items:1' (finished runs used it: hidden from lists, their history is kept)",
      });
      assert.deepEqual((await deleteDataset(ctx.db, "later")).deleted, ["later:1"], "registered after the run: not used by it");

      const root = join(ctx.env.dataDir, "extra");
      await registerFolder(ctx, "extra", root);
      mkdirSync(join(root, "x"), { recursive: true });
      await registerDataset(ctx.db, ctx.access, { name: "on-extra", kind: "file", datastore: "extra", paths: ["x/"] });
      assert.equal(await refused(deleteDatastore(ctx.db, "extra"), "conflict"), "datastore 'extra' holds dataset 'on-extra:1'; delete that dataset first");
    } finally {
      await ctx.cleanup();
    }
  });
}

/** Runs `node bin/prs.mjs` against the test's database and data folder. */
function prs(ctx: TestContext, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(REPO, "bin/prs.mjs"), ...args], {
      cwd: REPO,
      env: { ...process.env, PRS_DATA_DIR: ctx.env.dataDir, DATABASE_URL: ctx.env.databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

test("prs dataset|model|datastore delete: exit 0 when deleted, 3 when unknown, 4 when in use", { timeout: 180_000 }, async () => {
  const ctx = await makeTestContext("sqlite");
  try {
    await dataset(ctx, "mnist");
    await dataset(ctx, "spare");
    await model(ctx, "digits");
    await scorerPipeline(ctx, "digit-identification", "digits", "mnist:1");
    await registerFolder(ctx, "extra", join(ctx.env.dataDir, "extra"));

    const inUse = await prs(ctx, ["dataset", "delete", "mnist:1"]);
    assert.equal(inUse.code, 4, inUse.stderr);
    assert.match(inUse.stderr, /dataset 'mnist:1' is used by pipeline 'digit-identification' version 1; delete or archive that pipeline first/);
    const modelInUse = await prs(ctx, ["model", "delete", "digits"]);
    assert.equal(modelInUse.code, 4, modelInUse.stderr);

    const unknown = await prs(ctx, ["model", "delete", "nope:3"]);
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, /Model 'nope' is not registered/);
    assert.equal((await prs(ctx, ["datastore", "delete", "nope"])).code, 3);
    assert.equal((await prs(ctx, ["datastore", "delete", "workspace"])).code, 4);

    const ok = await prs(ctx, ["dataset", "delete", "spare"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /deleted dataset 'spare:1'/);
    const store = await prs(ctx, ["datastore", "delete", "extra"]);
    assert.equal(store.code, 0, store.stderr);
    assert.deepEqual(
      (await listDatasets(ctx.db)).map((d) => d.name),
      ["mnist"],
    );
  } finally {
    await ctx.cleanup();
  }
});

type Handler = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let admin: TestUser;

async function call(handler: Handler, url: string, params: Record<string, string>) {
  const res = await handler(new Request(`http://127.0.0.1${url}`, withAuth(admin, { method: "DELETE" })), { params: Promise.resolve(params) });
  return { status: res.status, body: (await res.json()) as { error?: string; deleted?: string[]; archived?: string[] } };
}

test("DELETE /api/datasets|models|datastores/<name>: 200 with what happened, 409 naming the user, 404, 400", async () => {
  const ctx = await makeTestContext("sqlite");
  // The route handlers open the process's one app context from the environment, as the server does.
  process.env.DATABASE_URL = ctx.env.databaseUrl;
  process.env.PRS_DATA_DIR = ctx.env.dataDir;
  try {
    admin = await makeTestUser(ctx.db, "admin");
    const datasets = (await import("../../../app/api/datasets/[name]/route")).DELETE as Handler;
    const models = (await import("../../../app/api/models/[name]/route")).DELETE as Handler;
    const datastores = (await import("../../../app/api/datastores/[name]/route")).DELETE as Handler;
    await dataset(ctx, "mnist");
    await dataset(ctx, "spare");
    await model(ctx, "digits");
    await scorerPipeline(ctx, "digit-identification", "digits", "mnist:1");

    const used = await call(datasets, "/api/datasets/mnist?version=1", { name: "mnist" });
    assert.equal(used.status, 409);
    assert.equal(used.body.error, "dataset 'mnist:1' is used by pipeline 'digit-identification' version 1; delete or archive that pipeline first");
    assert.equal((await call(models, "/api/models/digits?version=1", { name: "digits" })).status, 409);
    assert.equal((await call(datasets, "/api/datasets/mnist?version=x", { name: "mnist" })).status, 400);
    assert.equal((await call(datasets, "/api/datasets/mnist?version=7", { name: "mnist" })).status, 404);
    assert.equal((await call(datastores, "/api/datastores/nope", { name: "nope" })).status, 404);
    assert.equal((await call(datastores, "/api/datastores/workspace", { name: "workspace" })).status, 409);

    const ok = await call(datasets, "/api/datasets/spare?version=1", { name: "spare" });
    assert.equal(ok.status, 200, ok.body.error);
    assert.deepEqual([ok.body.deleted, ok.body.archived], [["spare:1"], []]);
  } finally {
    await ctx.cleanup();
  }
});
