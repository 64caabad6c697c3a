import assert from "node:assert/strict";
import { isTerminalRunStatus } from "../../lib/contracts/statuses";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { publishPipeline } from "../../lib/services/pipelines";
import { makeEntryScript, makeTestContext, makeTextFiles, type TestContext } from "../support/context";
import { makeFileDataset, makePipeline } from "../support/factories";
import { makeTestUser, type TestUser } from "../support/auth";

/**
 * Issue 7 case 6: the real route handlers, called in this process as the web server calls them,
 * by ten clients at once while a real `prs worker` process (another process on the same SQLite
 * file) executes a run of one item per mini-batch.
 */
const ITEMS = 400;
const CLIENTS = 10;
const MIN_LOAD_MS = 12_000;
const MAX_LOAD_MS = 20_000;

type Handler = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
let editor: TestUser;
interface Routes {
  datasets: { POST: Handler };
  runs: { GET: Handler; POST: Handler };
  run: { GET: Handler };
}

const call = (handler: Handler, path: string, init?: { method: string; body: unknown }, params: Record<string, string> = {}) =>
  handler(
    new Request(
      `http://127.0.0.1${path}`,
      init
        ? { method: init.method, body: JSON.stringify(init.body), headers: { "content-type": "application/json", ...editor.headers } }
        : { headers: editor.headers },
    ),
    { params: Promise.resolve(params) },
  );

interface Tally {
  statuses: Map<number, number>;
  problems: string[];
}

async function client(routes: Routes, runId: string, n: number, stop: () => boolean, tally: Tally): Promise<void> {
  const record = async (what: string, response: Promise<Response>) => {
    const r = await response;
    tally.statuses.set(r.status, (tally.statuses.get(r.status) ?? 0) + 1);
    if (r.status >= 500 && (r.status !== 503 || !r.headers.get("retry-after"))) tally.problems.push(`${what}: ${r.status} ${await r.text()}`);
    else if (r.status >= 400 && r.status !== 503) tally.problems.push(`${what}: ${r.status} ${await r.text()}`);
    else await r.arrayBuffer();
  };
  for (let i = 0; !stop(); i++) {
    await record(
      "POST /api/datasets",
      call(routes.datasets.POST, "/api/datasets", {
        method: "POST",
        body: { name: "load-items", kind: "file", datastore: "workspace", paths: [`items/item-${String((n * 7 + i) % ITEMS).padStart(3, "0")}.txt`] },
      }),
    );
    await record("POST /api/runs", call(routes.runs.POST, "/api/runs", { method: "POST", body: { pipeline: "tiny", experiment: `load-${n}` } }));
    await record("GET /api/runs", call(routes.runs.GET, "/api/runs"));
    await record("GET /api/runs/<id>", call(routes.run.GET, `/api/runs/${runId}`, undefined, { runId }));
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("database contention on SQLite (web server and worker pool on one file)", () => {
  let ctx: TestContext;
  let worker: ChildProcess | undefined;
  let workerOutput = "";
  let workerExit: number | null | undefined;

  before(async () => {
    ctx = await makeTestContext("sqlite");
    makeTextFiles(ctx, "items", ITEMS);
    await makeFileDataset(ctx, "items", "items/");
    const script = makeEntryScript(
      ctx,
      "echo.mjs",
      `export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, 50));
  return batch.map((p) => ({ file: ctx.relativePath(p) }));
}`,
    );
    await publishPipeline(ctx.db, makePipeline("busy", script, "items", { config: { mini_batch_size: 1, process_count_per_node: 2 } }));
    makeTextFiles(ctx, "tiny", 1);
    await makeFileDataset(ctx, "tiny", "tiny/");
    await publishPipeline(ctx.db, makePipeline("tiny", script, "tiny", { config: { mini_batch_size: 1, process_count_per_node: 1 } }));
    // The route handlers build their context from the environment, as in the web server.
    process.env.PRS_DATA_DIR = ctx.env.dataDir;
    process.env.DATABASE_URL = ctx.env.databaseUrl;
    editor = await makeTestUser(ctx.db, "editor");
  });

  after(async () => {
    if (worker && workerExit === undefined) {
      worker.kill("SIGTERM");
      await new Promise((r) => worker!.once("exit", r));
    }
    await ctx?.cleanup();
  });

  test("ten clients get no 500 while a mini_batch_size 1 run completes with every item once", { timeout: 240_000 }, async (t) => {
    const routes: Routes = {
      datasets: await import("../../app/api/datasets/route"),
      runs: await import("../../app/api/runs/route"),
      run: await import("../../app/api/runs/[runId]/route"),
    };
    const submitted = await call(routes.runs.POST, "/api/runs", { method: "POST", body: { pipeline: "busy", experiment: "contention" } });
    assert.equal(submitted.status, 201, await submitted.clone().text());
    const runId = ((await submitted.json()) as { id: string }).id;

    worker = spawn(process.execPath, ["bin/prs.mjs", "worker"], { env: { ...process.env }, stdio: ["ignore", "pipe", "pipe"] });
    worker.stdout!.on("data", (d: Buffer) => (workerOutput += d.toString()));
    worker.stderr!.on("data", (d: Buffer) => (workerOutput += d.toString()));
    worker.once("exit", (code) => (workerExit = code));
    await waitFor(
      "the worker pool to start the run",
      async () => ((await ctx.db.pipelineRun.findUnique({ where: { id: runId } }))?.status === "running" ? true : undefined),
      60_000,
    );

    const tally: Tally = { statuses: new Map(), problems: [] };
    const started = Date.now();
    let runEnded = false;
    const stop = () => Date.now() - started > MAX_LOAD_MS || (runEnded && Date.now() - started > MIN_LOAD_MS);
    const watcher = waitFor(
      "the run to end",
      async () => {
        const run = await ctx.db.pipelineRun.findUnique({ where: { id: runId }, include: { steps: true } });
        return run && isTerminalRunStatus(run.status) ? run : undefined;
      },
      200_000,
    ).finally(() => (runEnded = true));
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(routes, runId, n, stop, tally)));
    const run = await watcher;

    const summary = [...tally.statuses].map(([s, c]) => `${s}: ${c}`).join(", ");
    t.diagnostic(`answers by status: ${summary}; the run took ${((run.endedAt?.getTime() ?? 0) - (run.startedAt?.getTime() ?? 0)) / 1000} s`);
    assert.deepEqual(tally.problems.slice(0, 5), [], `answers: ${summary}`);
    assert.ok(!tally.statuses.has(500), summary);
    assert.equal(workerExit, undefined, `the worker pool ended:\n${workerOutput}`);
    assert.equal(run.status, "completed", `${run.statusReason}\n${workerOutput}`);
    const step = run.steps[0]!;
    const rows = readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n").slice(1);
    const expected = Array.from({ length: ITEMS }, (_, i) => `item-${String(i).padStart(3, "0")}.txt`);
    assert.deepEqual(rows, expected);
  });
});
