import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TabularOptions } from "../../../lib/datasets/tabular/options";
import { readSlice } from "../../../lib/datasets/tabular/read";
import { AppError } from "../../../lib/errors";
import { planPartitions } from "../../../lib/planning/tabular";
import { collect, makeStore } from "./fixtures";

const csv: TabularOptions = { format: "csv" };

test("partition keys: one mini-batch per distinct key combination, across files", async () => {
  const store = await makeStore({
    "sales/2023.csv": 'region,year,amount,note\neu,2023,10,"a, b"\nus,2023,20,\neu,2023,30,"multi\nline"\n',
    "sales/2024.csv": "region,year,amount,note\nus,2024,5,x\neu,2023,1,late\n",
  });
  const workDir = join(store.root, ".work", "partitions");
  try {
    const slices = await collect(planPartitions(store.ds, store.ds.list("sales/"), csv, ["region", "year"], workDir, { flushBytes: 16 }));
    assert.deepEqual(
      slices.map((s) => [s.partition, s.rowCount]),
      [
        [{ region: "eu", year: 2023 }, 3],
        [{ region: "us", year: 2023 }, 1],
        [{ region: "us", year: 2024 }, 1],
      ],
    );
    const eu = slices[0]!;
    assert.ok(eu.localFile, "a partition is written to a local file");
    assert.ok(eu.localFile.startsWith(workDir));
    assert.equal(await readFile(eu.localFile, "utf8"), 'region,year,amount,note\neu,2023,10,"a, b"\neu,2023,30,"multi\nline"\neu,2023,1,late\n');
    // The worker reads a partition slice with the input's own datastore and options.
    const read = await readSlice(store.ds, eu, csv);
    assert.deepEqual(read.rows, [
      { region: "eu", year: 2023, amount: 10, note: "a, b" },
      { region: "eu", year: 2023, amount: 30, note: "multi\nline" },
      { region: "eu", year: 2023, amount: 1, note: "late" },
    ]);
    assert.deepEqual((await readSlice(store.ds, slices[1]!, csv)).rows, [{ region: "us", year: 2023, amount: 20, note: null }]);
  } finally {
    await store.remove();
  }
});

test("partition keys: a missing key column names the column and the file", async () => {
  const store = await makeStore({ "a.csv": "region,amount\neu,1\n", "b.csv": "area,amount\neu,1\n" });
  try {
    await assert.rejects(
      collect(planPartitions(store.ds, store.ds.list("*.csv"), csv, ["region"], join(store.root, ".w"))),
      (e: unknown) =>
        e instanceof AppError &&
        e.code === "invalid_input" &&
        e.message === "partition key 'region' is not a column of file 'b.csv' (its columns: area, amount)",
    );
    await assert.rejects(collect(planPartitions(store.ds, store.ds.list("*.csv"), csv, [], join(store.root, ".w"))), /partition_keys is empty/);
  } finally {
    await store.remove();
  }
});

test("partition keys: malformed rows come out as bad-row slices, so they still count as failed items", async () => {
  const store = await makeStore({ "r.jsonl": '{"k":"a","v":1}\n{broken\n{"k":"b","v":2}\n{"k":"a","v":3}\n{"v":4}\n' });
  try {
    const options: TabularOptions = { format: "jsonl" };
    const slices = await collect(planPartitions(store.ds, store.ds.list("r.jsonl"), options, ["k"], join(store.root, ".w")));
    const bad = slices.filter((s) => s.badRows);
    assert.equal(bad.length, 1);
    const badRead = await readSlice(store.ds, bad[0]!, options);
    assert.equal(badRead.rows.length, 0);
    assert.match(badRead.badRows[0]?.reason ?? "", /^file 'r.jsonl' line 2: invalid JSON/);
    const groups = slices.filter((s) => s.partition);
    assert.deepEqual(
      groups.map((s) => [s.partition, s.rowCount]),
      [
        [{ k: "a" }, 2],
        [{ k: "b" }, 1],
        [{ k: null }, 1],
      ],
    );
    assert.deepEqual((await readSlice(store.ds, groups[2]!, options)).rows, [{ k: null, v: 4 }]);
  } finally {
    await store.remove();
  }
});
