import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeTestContext, type TestContext } from "../../support/context";
import { DbEventSink } from "../../../lib/engine/db-events";
import { StoredRunEvent, type RunEvent } from "../../../lib/contracts/run-events";
import { applyRunEvent, emptyRunState } from "../../../components/runs/run-state";
import { buildSnapshot } from "../../../lib/services/run-events";

let ctx: TestContext;
before(async () => {
  ctx = await makeTestContext();
});
after(async () => ctx.cleanup());

const attempt = (runId: string, idx: number, ok: boolean, itemErrors = 0): RunEvent => ({
  type: "attempt",
  runId,
  step: "score",
  idx,
  attempt: 1,
  status: ok ? "RUN_DONE" : "RUN_EXCEPTION",
  succeeded: ok ? 10 - itemErrors : 0,
  failed: ok ? itemErrors : 10,
  error: ok ? undefined : "boom",
  itemErrors: Array.from({ length: itemErrors }, (_, i) => ({ item: `f${idx}-${i}`, reason: "bad pixel" })),
});

test("successful tries are not stored, failures are, and writes are batched", async () => {
  const runId = "run_sinkbatching";
  const sink = new DbEventSink(ctx.db, { intervalMs: 200 });
  let inserts = 0;
  const createMany = ctx.db.runEvent.createMany.bind(ctx.db.runEvent);
  (ctx.db.runEvent as { createMany: typeof createMany }).createMany = ((args: Parameters<typeof createMany>[0]) => {
    inserts++;
    return createMany(args);
  }) as typeof createMany;
  try {
    for (let i = 0; i < 1000; i++) sink.publish(attempt(runId, i, i % 100 !== 5));
    sink.publish(attempt(runId, 1000, true, 3));
    await sink.close();
  } finally {
    (ctx.db.runEvent as { createMany: typeof createMany }).createMany = createMany;
  }
  const rows = await ctx.db.runEvent.findMany({ where: { runId } });
  assert.equal(rows.length, 11, "10 failed tries and 1 try with failed items; 990 successes not stored");
  assert.ok(inserts <= 2, `inserted in ${inserts} statements`);
  for (const r of rows) StoredRunEvent.parse(JSON.parse(r.payload));
});

test("item errors are capped per try and per run", async () => {
  const runId = "run_sinkcaps";
  const sink = new DbEventSink(ctx.db, { itemErrorsPerAttempt: 5, itemErrorsPerRun: 12, attemptsPerRun: 4 });
  for (let i = 0; i < 6; i++) sink.publish(attempt(runId, i, true, 8));
  await sink.close();
  const events = (await ctx.db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } })).map((r) => StoredRunEvent.parse(JSON.parse(r.payload)));
  assert.equal(events.length, 4);
  const kept = events.map((e) => (e.type === "attempt" ? e.itemErrors.length : -1));
  assert.deepEqual(kept, [5, 5, 2, 0]);
  assert.deepEqual(
    events.map((e) => (e.type === "attempt" ? e.itemErrorsOmitted : -1)),
    [3, 3, 6, 8],
  );
});

test("the page state follows snapshot and events; replaying an event changes nothing", async () => {
  const sink = new DbEventSink(ctx.db);
  const runId = "run_nosuchrow";
  sink.publish({ type: "run_status", runId, status: "running" });
  await sink.close();
  await assert.rejects(buildSnapshot(ctx.db, runId), /not found/);

  let state = applyRunEvent(emptyRunState, {
    type: "snapshot",
    run: {
      id: runId,
      pipeline: "p",
      pipelineVersion: 1,
      experimentName: "e",
      status: "running",
      statusReason: null,
      parameters: {},
      createdAt: "2026-01-01T00:00:00Z",
      startedAt: "2026-01-01T00:00:00Z",
      endedAt: null,
    },
    steps: [],
    workers: {},
    throughput: {},
    failures: [],
    lastEventId: 3,
  });
  const counters = {
    totalMiniBatches: 10,
    scheduledMiniBatches: 4,
    succeededMiniBatches: 3,
    failedMiniBatches: 0,
    runningMiniBatches: 1,
    totalItems: 100,
    succeededItems: 30,
    failedItems: 0,
    retries: 0,
  };
  const progress = { type: "progress" as const, runId, step: "score", counters, itemsPerSecond: 12, etaSeconds: 6, at: 1000 };
  state = applyRunEvent(state, progress);
  const once = state.steps;
  state = applyRunEvent(state, progress);
  assert.deepEqual(state.steps, once);
  assert.equal(state.steps[0]!.counters.succeededItems, 30);
  state = applyRunEvent(state, { type: "run_status", runId, status: "completed", reason: "score: Completed.", at: 2000 });
  assert.equal(state.run!.status, "completed");
  assert.equal(state.run!.statusReason, "score: Completed.");
  assert.equal(state.steps[0]!.counters.runningMiniBatches, 0);
});
