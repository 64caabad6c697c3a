import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { wakePools, watchWakeUps } from "../../lib/engine/wake";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";
import { runWorkerPool } from "../../workers/pool";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";
import { slowScript, waitUntil } from "../support/workers";

/** A poll interval no test waits out: a run is claimed within a test only when a submit wakes the pool. */
const NEVER_MS = 3_600_000;

describe("the worker pool is woken by a submit instead of its next poll", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(4, "few");
    const quick = makeEntryScript(ctx, "quick.mjs", slowScript(1));
    await publishPipeline(ctx.db, makePipeline("quick", quick, "few", { config: { mini_batch_size: 2, process_count_per_node: 1 } }));
  });
  after(async () => ctx.cleanup());

  const statusOf = async (runId: string) => (await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: runId } })).status;

  test("with an hour between polls, runs submitted while the pool waits are claimed and completed", async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const pool = runWorkerPool(ctx, { pollMs: NEVER_MS, warmProcesses: 0, signal: stop.signal, log: (line) => lines.push(line) });
    try {
      await waitUntil("the pool to start", () => lines.some((l) => l.includes("polling for runs")));
      assert.match(lines.join("\n"), /woken by each submit on this data folder/);
      // The first run may be found by the pool's first claim; the second is submitted while it waits.
      for (let i = 0; i < 2; i++) {
        const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "quick" });
        await waitUntil(`run ${i + 1} to complete`, async () => (await statusOf(run.id)) === "completed", 120_000);
      }
    } finally {
      stop.abort();
      await pool;
    }
  });

  test("a wake-up before anyone waits is kept for the next wait; waking a data folder no pool watches is harmless", async () => {
    const signal = watchWakeUps(ctx.env.dataDir);
    try {
      assert.ok(signal.watching);
      wakePools(ctx.env.dataDir);
      await signal.wait(NEVER_MS);
    } finally {
      signal.close();
    }
    assert.doesNotThrow(() => wakePools(`${ctx.env.dataDir}/nowhere`));
  });
});
