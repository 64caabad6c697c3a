import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { SegmentBatcher } from "../../../lib/cluster/segment-batch";
import { LocalDatastore } from "../../../lib/datastores/local";

describe("segment objects written in groups (SegmentBatcher)", () => {
  const root = mkdtempSync(join(tmpdir(), "prs-segment-batch-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  test("mini-batches finished in the same turn share one object; each range reads back its own rows", async () => {
    const store = new LocalDatastore(root);
    const batcher = new SegmentBatcher(store, (n) => `out/.prs-segments/step/agent-${n}.seg`);
    const rows = Array.from({ length: 5 }, (_, i) => Buffer.from(`"item-${i}.txt",${"x".repeat(i * 3)}\n`));
    const slices = await Promise.all(rows.map((r) => batcher.add(r)));
    assert.equal(new Set(slices.map((s) => s.path)).size, 1, "one object for the five");
    for (const [i, slice] of slices.entries()) {
      assert.equal(slice.length, rows[i]!.length);
      assert.deepEqual(await store.readRange(slice.path, slice.offset, slice.offset + slice.length), rows[i]);
    }
    // A later mini-batch goes into the next object, not over the first.
    const later = await batcher.add(Buffer.from("later\n"));
    assert.notEqual(later.path, slices[0]!.path);
    assert.equal(later.offset, 0);
    assert.equal(
      (await store.read(slices[0]!.path)).length,
      rows.reduce((n, r) => n + r.length, 0),
    );
  });

  test("an object larger than the limit is split; each mini-batch stays whole in one object", async () => {
    const store = new LocalDatastore(root);
    const batcher = new SegmentBatcher(store, (n) => `split/${n}.seg`, 10);
    const rows = [Buffer.from("aaaaaa"), Buffer.from("bbbbbb"), Buffer.from("cccccccccccccc")];
    const slices = await Promise.all(rows.map((r) => batcher.add(r)));
    assert.equal(new Set(slices.map((s) => s.path)).size, 3);
    for (const [i, slice] of slices.entries()) assert.deepEqual(await store.read(slice.path), rows[i]);
  });

  test("a write that fails rejects every mini-batch of that object with the datastore's error", async () => {
    const dir = join(root, "blocked");
    mkdirSync(dir);
    writeFileSync(join(dir, "seg"), "a file where the segment folder should be");
    const batcher = new SegmentBatcher(new LocalDatastore(dir), (n) => `seg/${n}.seg`);
    const results = await Promise.allSettled([batcher.add(Buffer.from("a")), batcher.add(Buffer.from("b"))]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected"],
    );
    assert.match(String((results[0] as PromiseRejectedResult).reason), /seg/);
    assert.deepEqual(readdirSync(dir), ["seg"]);
  });
});
