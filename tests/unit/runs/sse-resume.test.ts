import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeEntryScript, makeTestContext, makeTextFiles, type TestContext } from "../../support/context";
import { makeFileDataset, makePipeline } from "../../support/factories";
import { DbEventSink } from "../../../lib/engine/db-events";
import { executeRun } from "../../../lib/engine/orchestrator";
import { RunStreamEvent, StoredRunEvent } from "../../../lib/contracts/run-events";
import { readSse } from "../../../lib/http/sse";
import { publishPipeline } from "../../../lib/services/pipelines";
import { submitRun } from "../../../lib/services/runs";
import { makeTestUser, type TestUser, withAuth } from "../../support/auth";

let ctx: TestContext;
let viewer: TestUser;
let GET: (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

before(async () => {
  ctx = await makeTestContext();
  // The route handler takes its database from the process environment, like the server does.
  process.env.DATABASE_URL = ctx.env.databaseUrl;
  process.env.PRS_DATA_DIR = ctx.env.dataDir;
  viewer = await makeTestUser(ctx.db, "viewer");
  ({ GET } = await import("../../../app/api/runs/[runId]/events/route"));
});
after(async () => ctx.cleanup());

function open(runId: string, lastEventId?: number, signal?: AbortSignal) {
  const headers = lastEventId === undefined ? undefined : { "Last-Event-ID": String(lastEventId) };
  return GET(new Request(`http://test/api/runs/${runId}/events`, withAuth(viewer, { headers, signal })), { params: Promise.resolve({ runId }) });
}

test("a client reconnecting with Last-Event-ID gets every event once, in order", async () => {
  const runId = "run_resumetest";
  const sink = new DbEventSink(ctx.db, { intervalMs: 20 });
  const total = 400;
  const writing = (async () => {
    for (let i = 1; i <= total; i++) {
      sink.publish({ type: "step_status", runId, step: "score", status: "running", reason: `event ${i}` });
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    await sink.close();
  })();

  const received: number[] = [];
  let last = 0;
  // Drop the connection after a few messages each time, then come back with the last id seen.
  for (let session = 0; received.length < total && session < 200; session++) {
    const abort = new AbortController();
    const res = await open(runId, last, abort.signal);
    assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    let inSession = 0;
    const deadline = setTimeout(() => abort.abort(), 2000);
    try {
      for await (const message of readSse(res.body!)) {
        const event = StoredRunEvent.parse(JSON.parse(message.data));
        assert.equal(event.runId, runId);
        const id = Number(message.id);
        received.push(id);
        last = id;
        if (++inSession >= 1 + (session % 37) || received.length >= total) break;
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      clearTimeout(deadline);
      abort.abort();
    }
  }
  await writing;
  const stored = (await ctx.db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" }, select: { id: true } })).map((r) => r.id);
  assert.equal(stored.length, total);
  assert.deepEqual(received, stored, "every stored event arrives exactly once, in id order");
});

test("a fresh connection starts with a snapshot of the current state, then live events", async () => {
  makeTextFiles(ctx, "snap", 12);
  await makeFileDataset(ctx, "snap", "snap/*.txt");
  const script = makeEntryScript(
    ctx,
    "slowish.mjs",
    `export async function run(batch) { await new Promise((r) => setTimeout(r, 60)); return batch.map((f) => f.split("/").pop()); }`,
  );
  const pv = await publishPipeline(ctx.db, makePipeline("snap-pipeline", script, "snap", { config: { mini_batch_size: 1, process_count_per_node: 1 } }));
  const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: pv.name });

  const abort = new AbortController();
  const res = await open(run.id, undefined, abort.signal);
  const messages = readSse(res.body!);
  const first = RunStreamEvent.parse(JSON.parse((await messages.next()).value!.data));
  assert.equal(first.type, "snapshot");
  assert.equal(first.type === "snapshot" && first.run.status, "queued");

  const sink = new DbEventSink(ctx.db);
  const executing = executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "test", events: sink, flushIntervalMs: 100 }, run.id).then(
    () => sink.close(),
  );
  const seen: string[] = [];
  const progressDone: number[] = [];
  for await (const message of messages) {
    const event = RunStreamEvent.parse(JSON.parse(message.data));
    seen.push(event.type);
    if (event.type === "progress") progressDone.push(event.counters.succeededItems);
    if (event.type === "run_status" && event.status === "completed") break;
  }
  abort.abort();
  await executing;
  assert.ok(seen.includes("step_status"));
  assert.ok(
    progressDone.some((n) => n > 0 && n < 12),
    `counters change before completion: ${progressDone.join(",")}`,
  );
  assert.ok(!seen.includes("attempt"), "successful tries are not stored");

  const stop = new AbortController();
  const again = await open(run.id, undefined, stop.signal);
  const snapshot = RunStreamEvent.parse(JSON.parse((await readSse(again.body!).next()).value!.data));
  assert.ok(snapshot.type === "snapshot");
  assert.equal(snapshot.run.status, "completed");
  assert.equal(snapshot.steps[0]!.counters.succeededItems, 12);
  assert.ok((snapshot.throughput["score-items"] ?? []).length > 0);
  stop.abort();
});
