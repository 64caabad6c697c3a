import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { ContainerClient } from "@azure/storage-blob";
import { openDatastore } from "../../lib/datastores/index";
import { executeRun } from "../../lib/engine/orchestrator";
import { scanSegments } from "../../lib/engine/segments";
import { registerDatastore } from "../../lib/services/datastores";
import { publishPipeline } from "../../lib/services/pipelines";
import { countOutputValues, outputFile, previewOutput } from "../../lib/services/run-files";
import { resumeRun, submitRun } from "../../lib/services/runs";
import { startAzurite, type AzuriteHandle } from "../support/azurite";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from "../support/tmpfs";

/** One row per item, padded to --pad bytes so a small file system fills; each run() call is logged in --calls. */
const PADDED = `
import { appendFileSync, readFileSync } from "node:fs";
import { basename } from "node:path";
export function run(batch, ctx) {
  appendFileSync(ctx.args.calls, batch.map((p) => basename(p)).join(" ") + "\\n");
  return batch.map((p) => ({ file: ctx.relativePath(p), value: readFileSync(p, "utf8"), pad: "x".repeat(Number(ctx.args.pad)) }));
}`;

const ITEMS = 40;
const skipTmpfs = tmpfsUnavailable();

function callsPerItem(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) for (const item of line.split(" ")) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** The data rows of a CSV output, checked to hold every item exactly once. */
function assertEveryItemOnce(csv: string): void {
  const lines = csv.trimEnd().split("\n");
  assert.equal(lines[0], "file,value,pad");
  const files = lines.slice(1).map((l) => l.split(",")[0]);
  assert.deepEqual(
    files,
    Array.from({ length: ITEMS }, (_, i) => `item-${String(i).padStart(3, "0")}.txt`),
  );
}

async function submitPadded(ctx: TestContext, name: string, output: { datastore: string; path: string }, pad: number) {
  const calls = join(ctx.env.dataDir, `calls-${name}.txt`);
  const script = makeEntryScript(ctx, `${name}.mjs`, PADDED);
  const definition = makePipeline(name, script, "items", {
    config: { mini_batch_size: 4, append_row_file_name: "out.csv", run_max_try: 3 },
    step: { output, arguments: ["--calls", calls, "--pad", String(pad)] },
  });
  await publishPipeline(ctx.db, definition);
  const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: name });
  return { run, calls };
}

const execute = (ctx: TestContext, runId: string) =>
  executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "durability", flushIntervalMs: 100 }, runId);

async function stepOf(ctx: TestContext, runId: string) {
  return ctx.db.stepRun.findFirstOrThrow({ where: { runId } });
}

describe("outputs on a full or read-only disk (real tmpfs)", { skip: skipTmpfs }, () => {
  let ctx: TestContext;
  const mounts: Tmpfs[] = [];
  before(async () => {
    ctx = await makeItemsContext(ITEMS);
  });
  after(async () => {
    for (const m of mounts) m.unmount();
    await ctx?.cleanup();
  });

  test("an output that does not fit fails the run naming the file; resume after freeing space completes it", async () => {
    const disk = mountTmpfs(64, mkdtempSync(join(ctx.env.dataDir, "tmpfs-")));
    mounts.push(disk);
    await registerDatastore(ctx.db, ctx.access, { name: "full", kind: "local", config: { root: disk.dir } });
    // 40 rows of about 2 KB: 80 KB into a 64 KB file system.
    const { run, calls } = await submitPadded(ctx, "full-output", { datastore: "full", path: "results" }, 2000);
    const failed = await execute(ctx, run.id);
    assert.equal(failed.status, "failed");
    assert.match(failed.reason, /no space left on device writing full\/results\/out\.csv/);
    const step = await stepOf(ctx, run.id);
    assert.equal(step.status, "failed");
    assert.match(
      step.statusReason ?? "",
      /^The output could not be written: no space left on device writing full\/results\/out\.csv; free space .* and resume the run\. 40 of 40 items succeeded/,
    );
    assert.deepEqual(readdirSync(join(disk.dir, "results")), [], "no truncated output and no temporary file is left");
    assert.match(readFileSync(join(run.runDir, "score-items", "logs", "job_result.txt"), "utf8"), /no space left on device writing full\/results\/out\.csv/);
    await assert.rejects(outputFile(ctx.db, run.id), /The output of step 'score-items' is not written: The output could not be written: no space left/);

    disk.resize(4096);
    await resumeRun(ctx.db, run.id);
    const resumed = await execute(ctx, run.id);
    assert.equal(resumed.status, "completed", resumed.reason);
    assertEveryItemOnce(readFileSync(join(disk.dir, "results", "out.csv"), "utf8"));
    for (const [item, count] of callsPerItem(calls)) assert.equal(count, 1, `${item} ran ${count} times: finished mini-batches must not run again`);
    assert.equal((await previewOutput(ctx.db, run.id, undefined, 3)).rows.length, 3);
    assert.equal((await countOutputValues(ctx.db, run.id, undefined, "file")).rows, ITEMS);

    // A file cut short or changed after the run is not served as its output.
    appendFileSync(join(disk.dir, "results", "out.csv"), "torn,row");
    await assert.rejects(outputFile(ctx.db, run.id), /has \d+ bytes but the run wrote \d+: it was changed or cut short/);
  });

  test("a worker that cannot append its output fails the step at once (no retries, not counted); resume runs every item once", async () => {
    const { run, calls } = await submitPadded(ctx, "full-segments", { datastore: "workspace", path: "results/full-segments" }, 2000);
    // The segment folder is the full disk: about 8 KB a mini-batch into 24 KB.
    const disk = mountTmpfs(24, join(run.runDir, "score-items", "segments"));
    mounts.push(disk);
    const failed = await execute(ctx, run.id);
    assert.equal(failed.status, "failed");
    assert.match(
      failed.reason,
      /The step stopped because an output could not be written: no space left on device writing \S+\/segments\/[\d-]+\.seg; free space/,
    );
    const step = await stepOf(ctx, run.id);
    assert.equal(step.status, "failed");
    assert.equal(step.retries, 0, "a full disk is not retried");
    const written = scanSegments(disk.dir);
    const succeeded = await ctx.db.miniBatch.findMany({ where: { stepRunId: step.id, status: "succeeded" } });
    assert.ok(succeeded.length < 10, `${succeeded.length} of 10 mini-batches succeeded`);
    for (const mb of succeeded) assert.ok(written.has(mb.idx), `mini-batch ${mb.idx} is counted as succeeded without its output`);
    const report = readFileSync(join(run.runDir, "score-items", "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8");
    assert.match(report, /,STORAGE_ERROR,/);
    assert.ok(!existsSync(join(ctx.workspace, "results", "full-segments", "out.csv")), "no output was merged from a stopped step");

    disk.resize(1024);
    await resumeRun(ctx.db, run.id);
    const resumed = await execute(ctx, run.id);
    assert.equal(resumed.status, "completed", resumed.reason);
    assertEveryItemOnce(readFileSync(join(ctx.workspace, "results", "full-segments", "out.csv"), "utf8"));
    const counts = callsPerItem(calls);
    for (const record of written.values()) {
      // Mini-batches whose record was written before the disk filled never run again.
      const first = `item-${String(record.meta.idx * 4).padStart(3, "0")}.txt`;
      assert.equal(counts.get(first), 1, `${first} ran again after its output was written`);
    }
  });

  test("a read-only output folder fails the run saying so, leaves no step running, and resume completes it", async () => {
    const disk = mountTmpfs(256, mkdtempSync(join(ctx.env.dataDir, "tmpfs-")));
    mounts.push(disk);
    disk.readOnly(true);
    await registerDatastore(ctx.db, ctx.access, { name: "readonly", kind: "local", config: { root: disk.dir } });
    const { run } = await submitPadded(ctx, "ro-output", { datastore: "readonly", path: "results" }, 10);
    const failed = await execute(ctx, run.id);
    assert.equal(failed.status, "failed");
    assert.match(failed.reason, /output folder readonly\/results is read-only \(read-only file system\)/);
    assert.doesNotMatch(failed.reason, /ENOENT|mkdir/);
    const steps = await ctx.db.stepRun.findMany({ where: { runId: run.id } });
    for (const s of steps) assert.ok(!["running", "planning", "pending"].includes(s.status), `step left ${s.status}`);
    assert.equal((await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } })).status, "failed");

    disk.readOnly(false);
    await resumeRun(ctx.db, run.id);
    const resumed = await execute(ctx, run.id);
    assert.equal(resumed.status, "completed", resumed.reason);
    assertEveryItemOnce(readFileSync(join(disk.dir, "results", "out.csv"), "utf8"));
  });
});

/** Slow entry script, so an orchestrator can be killed mid-run. */
const SLOW = `
import { readFileSync } from "node:fs";
export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, 60));
  return batch.map((p) => ({ file: ctx.relativePath(p), value: readFileSync(p, "utf8") }));
}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RUN_DONE rows of processed_mini-batches.csv per mini-batch index. */
function doneRows(runDir: string): Map<number, number> {
  const text = readFileSync(join(runDir, "score-items", "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8");
  const done = new Map<number, number>();
  for (const line of text.trimEnd().split("\n").slice(1)) {
    const fields = line.split(",");
    if (fields[12] === "RUN_DONE") done.set(Number(fields[0]), (done.get(Number(fields[0])) ?? 0) + 1);
  }
  return done;
}

describe("the attempt report after a crash", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(60, "many");
  });
  after(async () => ctx?.cleanup());

  test("processed_mini-batches.csv holds every finished attempt after SIGKILL and resume, each once", async () => {
    const script = makeEntryScript(ctx, "slow.mjs", SLOW);
    await publishPipeline(ctx.db, makePipeline("report-crash", script, "many", { config: { mini_batch_size: 2 } }));
    const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "report-crash" });
    const cli = spawn(process.execPath, ["bin/prs.mjs", "run", "wait", run.id], {
      env: { ...process.env, PRS_DATA_DIR: ctx.env.dataDir, DATABASE_URL: ctx.env.databaseUrl },
      stdio: "ignore",
    });
    const step = async () => ctx.db.stepRun.findFirst({ where: { runId: run.id } });
    // Killed once the database has recorded some finished mini-batches, well before the end.
    for (let i = 0; i < 1200 && ((await step())?.succeededMiniBatches ?? 0) < 6; i++) await sleep(50);
    cli.kill("SIGKILL");
    await new Promise((r) => cli.once("exit", r));
    await sleep(300); // orphaned worker processes exit when their agent's channel closes

    const stepRun = (await step())!;
    const recorded = await ctx.db.miniBatch.findMany({ where: { stepRunId: stepRun.id, status: "succeeded" } });
    assert.ok(recorded.length >= 6 && recorded.length < 30, `killed after ${recorded.length} of 30 mini-batches`);
    const atKill = doneRows(run.runDir);
    for (const mb of recorded) assert.equal(atKill.get(mb.idx), 1, `mini-batch ${mb.idx} finished before the kill but has no row in the report`);

    const result = await executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "restarted", flushIntervalMs: 100 }, run.id);
    assert.equal(result.status, "completed", result.reason);
    const done = doneRows(run.runDir);
    assert.deepEqual(
      [...done.keys()].sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, i) => i),
      "a RUN_DONE row for every mini-batch",
    );
    for (const [idx, count] of done) assert.equal(count, 1, `mini-batch ${idx} has ${count} RUN_DONE rows`);
  });
});

describe("outputs on Azure Blob storage (Azurite)", () => {
  let ctx: TestContext;
  let azurite: AzuriteHandle;
  before(async () => {
    ctx = await makeItemsContext(ITEMS);
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.stop();
    await ctx?.cleanup();
  });

  test("an upload that fails fails the step instead of reporting completion; resume uploads the whole output", async () => {
    const container = new ContainerClient(azurite.connectionString, "outputs");
    await registerDatastore(ctx.db, ctx.access, {
      name: "blob",
      kind: "azure-blob",
      config: { container: "outputs", auth: "connection-string" },
      secret: { connectionString: azurite.connectionString },
    });
    // The container is gone: every block upload and the commit are refused.
    const { run } = await submitPadded(ctx, "blob-output", { datastore: "blob", path: "results" }, 10);
    const failed = await execute(ctx, run.id);
    assert.equal(failed.status, "failed");
    assert.match(failed.reason, /The output could not be written: the output could not be uploaded to blob\/results\/out\.csv: container 'outputs' not found/);
    assert.equal((await stepOf(ctx, run.id)).status, "failed");

    await container.create();
    await resumeRun(ctx.db, run.id);
    const resumed = await execute(ctx, run.id);
    assert.equal(resumed.status, "completed", resumed.reason);
    assertEveryItemOnce((await container.getBlobClient("results/out.csv").downloadToBuffer()).toString("utf8"));
  });

  test("an upload whose source breaks after some blocks were staged commits no blob", async () => {
    const ds = openDatastore("azure-blob", { container: "outputs", auth: "connection-string" }, { connectionString: azurite.connectionString });
    let sent = 0;
    const source = new Readable({
      read() {
        // 6 MB in 1 MB chunks (one 4 MB block staged), then the source fails.
        if (sent === 6) return this.destroy(new Error("the local output could not be read"));
        sent++;
        this.push(Buffer.alloc(1 << 20, 65));
      },
    });
    await assert.rejects(ds.write("results/broken.csv", source), /could not be read/);
    assert.equal(await ds.stat("results/broken.csv"), undefined, "no partial blob");
  });
});
