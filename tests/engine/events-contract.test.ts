import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeEntryScript, makeTestContext, makeTextFiles, type TestContext } from "../support/context";
import { makeFileDataset, makePipeline } from "../support/factories";
import { RunStreamEvent, type RunEvent } from "../../lib/contracts/run-events";
import { executeRun } from "../../lib/engine/orchestrator";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";

let ctx: TestContext;
before(async () => {
  ctx = await makeTestContext();
});
after(async () => ctx.cleanup());

// The engine publishes the contract's events: each one, stamped as a transport stamps it, is
// what the browser parses from the stream (no event the contract does not know, no missing field).
test("every event the engine publishes during a run parses with the stream's contract", async () => {
  makeTextFiles(ctx, "contract", 6);
  await makeFileDataset(ctx, "contract", "contract/*.txt");
  const script = makeEntryScript(
    ctx,
    "fails-on-3.mjs",
    `export async function run(batch) { if (batch.some((f) => f.endsWith("3.txt"))) throw new Error("no threes"); return batch.map((f) => f.split("/").pop()); }`,
  );
  await publishPipeline(ctx.db, makePipeline("contract", script, "contract", { config: { mini_batch_size: 2, run_max_try: 2, error_threshold: -1 } }));
  const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "contract" });
  const published: RunEvent[] = [];
  const result = await executeRun(
    { db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "test", events: { publish: (e) => published.push(e) } },
    run.id,
  );
  assert.equal(result.status, "completed");

  for (const event of published) {
    const parsed = RunStreamEvent.safeParse({ ...event, at: Date.now() });
    assert.ok(parsed.success, `${event.type}: ${parsed.error?.message}`);
  }
  const types = new Set(published.map((e) => e.type));
  const expected: RunEvent["type"][] = ["run_status", "step_status", "progress", "attempt", "process", "workers"];
  for (const type of expected) assert.ok(types.has(type), `a ${type} event`);
  const failedTries = published.filter((e) => e.type === "attempt" && e.status === "RUN_EXCEPTION");
  assert.equal(failedTries.length, 2, "the failing mini-batch is tried twice (run_max_try 2)");
});
