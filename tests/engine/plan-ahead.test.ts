import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Datastore, DatastoreEntry } from "../../lib/datastores/types";
import { createDb, type Db } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { planStep } from "../../lib/engine/plan";
import { MAX_ITEMS_AHEAD, tooFarAhead } from "../../lib/engine/step/plan";
import { syntheticListing } from "../../lib/planning/synthetic";

/** A datastore whose listing counts what it has yielded. */
function countingStore(count: number): { store: Datastore; listed: () => number } {
  let listed = 0;
  const store = {
    async *list(): AsyncGenerator<DatastoreEntry> {
      for await (const e of syntheticListing(count)) {
        listed++;
        yield e;
      }
    },
  } as unknown as Datastore;
  return { store, listed: () => listed };
}

describe("planning streams its listing and can be held back by the work", () => {
  let dir: string;
  let db: Db;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "prs-plan-ahead-"));
    const url = `file:${join(dir, "plan.db")}`;
    await migrate(url);
    db = await createDb(url);
    await db.pipeline.create({ data: { id: "pl_ahead", name: "ahead" } });
    await db.pipelineVersion.create({ data: { id: "plv_ahead", pipelineId: "pl_ahead", version: 1, definition: "{}" } });
    await db.pipelineRun.create({
      data: {
        id: "run_ahead",
        pipelineId: "pl_ahead",
        pipelineVersionId: "plv_ahead",
        experimentName: "ahead",
        parameters: "{}",
        status: "running",
        runDir: dir,
      },
    });
  });
  after(async () => {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the first mini-batches are handed out before the listing ends, and the listing waits while onPlanned waits", async () => {
    await db.stepRun.create({
      data: { id: "step_hold", runId: "run_ahead", stepName: "hold", config: "{}", reuseKey: "", status: "planning", outputDir: dir },
    });
    const files = 20_000;
    const { store, listed } = countingStore(files);
    const seen: { chunk: number; listedThen: number }[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = false;
    const planning = planStep(
      db,
      "sqlite",
      "step_hold",
      [{ name: "many", kind: "file", datastore: "s", patterns: ["synthetic/"], identity: "many" }],
      () => store,
      100,
      undefined,
      dir,
      async (rows) => {
        seen.push({ chunk: rows.length, listedThen: listed() });
        if (seen.length === 1) {
          held = true;
          await gate;
        }
      },
    );
    // While the first chunk's callback waits, the listing does not go on.
    while (!held) await new Promise((r) => setTimeout(r, 5));
    const whileHeld = listed();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(listed(), whileHeld, "the listing went on while onPlanned was waiting");
    assert.ok(whileHeld < files / 2, `the first mini-batches were handed out after ${whileHeld} of ${files} files were listed`);
    assert.equal(seen[0]!.chunk, 1, "the first mini-batch is handed out on its own, at once");
    release();
    const plan = await planning;
    assert.equal(plan.miniBatches, files / 100);
    assert.equal(plan.items, files);
    assert.equal(listed(), files);
    assert.equal(
      seen.reduce((n, s) => n + s.chunk, 0),
      files / 100,
      "every mini-batch is handed out once",
    );
    assert.equal(await db.miniBatch.count({ where: { stepRunId: "step_hold" } }), files / 100);
  });

  test("a chunk of large mini-batches is bounded in bytes, not only in count", async () => {
    await db.stepRun.create({
      data: { id: "step_bytes", runId: "run_ahead", stepName: "bytes", config: "{}", reuseKey: "", status: "planning", outputDir: dir },
    });
    const { store } = countingStore(200_000);
    const chunks: number[] = [];
    await planStep(
      db,
      "sqlite",
      "step_bytes",
      [{ name: "many", kind: "file", datastore: "s", patterns: ["synthetic/"], identity: "many" }],
      () => store,
      1000,
      undefined,
      dir,
      (planned) => {
        chunks.push(planned.reduce((n, r) => n + r.items.length, 0));
      },
    );
    const rows = await db.miniBatch.findMany({ where: { stepRunId: "step_bytes" }, select: { items: true } });
    assert.equal(rows.length, 200);
    assert.equal(
      chunks.reduce((n, c) => n + c, 0),
      rows.reduce((n, r) => n + r.items.length, 0),
    );
    // 200 mini-batches of 1,000 paths (about 20 KB of items each) would fit one chunk of 2,000 rows.
    assert.ok(Math.max(...chunks) < 1024 * 1024, `largest chunk ${Math.max(...chunks)} bytes of items`);
  });

  test("tooFarAhead: waits only with many items unfinished and enough mini-batches for every process", () => {
    const counters = (miniBatches: number, items: number) => ({
      totalMiniBatches: miniBatches + 10,
      succeededMiniBatches: 7,
      failedMiniBatches: 3,
      totalItems: items + 1000,
      succeededItems: 900,
      failedItems: 100,
    });
    assert.equal(tooFarAhead(counters(100, MAX_ITEMS_AHEAD + 1), 2), true);
    assert.equal(tooFarAhead(counters(100, MAX_ITEMS_AHEAD), 2), false, "at most MAX_ITEMS_AHEAD items ahead: the listing goes on");
    assert.equal(tooFarAhead(counters(8, MAX_ITEMS_AHEAD * 10), 2), false, "huge mini-batches: still 4 per process ahead");
    assert.equal(tooFarAhead(counters(9, MAX_ITEMS_AHEAD * 10), 2), true);
  });
});
