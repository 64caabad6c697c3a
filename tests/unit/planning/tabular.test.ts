import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCsvRow } from "../../../lib/datasets/tabular/csv-fields";
import type { TabularOptions } from "../../../lib/datasets/tabular/options";
import type { TabularSlice } from "../../../lib/datasets/tabular/slice";
import { planTabular } from "../../../lib/planning/tabular";
import { writeParquet, type ParquetCell } from "../datasets/parquet-writer";
import { isDeepStrictEqual } from "node:util";
import { awkwardCsv, collect, makeStore, readSlices, seeded, tinyChunks } from "./fixtures";

const csv: TabularOptions = { format: "csv" };

function assertContiguous(slices: TabularSlice[]): void {
  for (let i = 1; i < slices.length; i++) {
    const [a, b] = [slices[i - 1] as TabularSlice, slices[i] as TabularSlice];
    if (a.path !== b.path) continue;
    assert.ok(b.start >= a.end, "slices do not overlap");
    assert.equal(b.firstRow, a.firstRow + a.rowCount, "row numbering continues");
  }
}

test("a mini-batch never spans two files; small files are one slice each", async () => {
  const store = await makeStore({ "d/a.csv": "x,y\n1,2\n3,4\n", "d/b.csv": "x,y\n5,6\n", "d/c.csv": "x,y\n" });
  try {
    const slices = await collect(planTabular(store.ds, store.ds.list("d/*.csv"), csv, 1024 * 1024));
    assert.deepEqual(
      slices.map((s) => [s.path, s.start, s.end, s.rowCount, s.firstRow, s.firstLine]),
      [
        ["d/a.csv", 4, 12, 2, 0, 2],
        ["d/b.csv", 4, 8, 1, 0, 2],
      ],
    );
    assert.deepEqual(slices[0]?.columns, ["x", "y"]);
    const tiny = await collect(planTabular(store.ds, store.ds.list("d/"), csv, 1));
    assert.deepEqual(
      tiny.map((s) => [s.path, s.rowCount]),
      [
        ["d/a.csv", 1],
        ["d/a.csv", 1],
        ["d/b.csv", 1],
      ],
    );
  } finally {
    await store.remove();
  }
});

test("a large CSV is split at row boundaries, never inside quotes; every row exactly once", async () => {
  const { rows, csv: text } = awkwardCsv(6000); // about 140 KB: several 64 KB read chunks
  const size = Buffer.byteLength(text);
  const store = await makeStore({ "big.csv": text });
  try {
    for (const maxBytes of [1, 777, 10_000, 65_536, 1 << 30]) {
      const slices = await collect(planTabular(store.ds, store.ds.list("big.csv"), csv, maxBytes));
      assertContiguous(slices);
      for (const s of slices.slice(0, -1)) assert.ok(s.end - s.start >= maxBytes, "only the last slice is smaller than the size");
      const read = await readSlices(store.ds, slices, csv);
      assert.deepEqual(read.badRows, []);
      assert.deepEqual(read.rows, rows, `maxBytes ${maxBytes}`);
      const [fewest, most] = [Math.floor(size / (maxBytes + 100)), Math.ceil(size / maxBytes)];
      assert.ok(slices.length >= fewest && slices.length <= most, `${slices.length} slices of ~${maxBytes} bytes for ${size} bytes`);
    }
  } finally {
    await store.remove();
  }
});

test("stray quotes cost one row each, and the planner and reader agree on every boundary", async () => {
  const random = seeded(7);
  const { csv: clean } = awkwardCsv(3000, 3);
  const lines = clean.split("\n");
  for (let i = 0; i < 12; i++) {
    const at = 1 + Math.floor(random() * (lines.length - 2));
    lines[at] = `${lines[at]}${random() < 0.5 ? ',"stray' : '"'}`;
  }
  const store = await makeStore({ "stray.csv": lines.join("\n") });
  try {
    const whole = await readSlices(store.ds, await collect(planTabular(store.ds, store.ds.list("stray.csv"), csv, 1 << 30)), csv);
    assert.ok(whole.badRows.length >= 12 && whole.badRows.length <= 30, `${whole.badRows.length} bad rows`);
    assert.ok(whole.rows.length > 2900, `${whole.rows.length} good rows`);
    for (const maxBytes of [1, 500, 4096, 70_000]) {
      const slices = await collect(planTabular(store.ds, store.ds.list("stray.csv"), csv, maxBytes));
      assertContiguous(slices);
      assert.deepEqual(await readSlices(store.ds, slices, csv), whole, `maxBytes ${maxBytes}`);
    }
  } finally {
    await store.remove();
  }
});

test("random corruption, tiny read chunks: planner and reader still agree on every row", async () => {
  const store = await makeStore();
  const ds = tinyChunks(store.ds, 7);
  try {
    for (let seed = 1; seed <= 25; seed++) {
      const random = seeded(seed);
      const chars = [...awkwardCsv(100 + Math.floor(random() * 100), seed).csv];
      for (let k = 1 + Math.floor(random() * 6); k > 0; k--) {
        chars.splice(Math.floor(random() * chars.length), 0, random() < 0.7 ? '"' : random() < 0.5 ? "\n" : ",");
      }
      await ds.write("f.csv", chars.join(""));
      const options: TabularOptions = { format: "csv", header: seed % 5 !== 0 };
      const plan = (maxBytes: number) => collect(planTabular(ds, ds.list("f.csv"), options, maxBytes));
      const whole = await readSlices(ds, await plan(1 << 30), options).catch((e: unknown) => String(e));
      if (typeof whole === "string" && /header/.test(whole)) continue; // the corruption hit the header
      for (const maxBytes of [1, 37, 300]) {
        const got = await readSlices(ds, await plan(maxBytes), options).catch((e: unknown) => String(e));
        assert.ok(isDeepStrictEqual(got, whole), `seed ${seed}, maxBytes ${maxBytes}`);
      }
    }
  } finally {
    await store.remove();
  }
});

test("JSON Lines files are split by lines", async () => {
  const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, text: `row ${i}` }));
  const store = await makeStore({ "r.jsonl": `${lines.join("\n")}\n` });
  try {
    const options: TabularOptions = { format: "jsonl" };
    const slices = await collect(planTabular(store.ds, [{ path: "r.jsonl", size: (await store.ds.stat("r.jsonl"))?.size ?? 0 }], options, 2000));
    assert.ok(slices.length > 5);
    assert.deepEqual(slices[0]?.columns, ["i", "text"]);
    const read = await readSlices(store.ds, slices, options);
    assert.deepEqual(
      read.rows.map((r) => r.i),
      Array.from({ length: 500 }, (_, i) => i),
    );
  } finally {
    await store.remove();
  }
});

test("Parquet files are planned by rows: small row groups combine, large ones split", async () => {
  const columns = [
    { name: "id", type: "int64" as const },
    { name: "name", type: "string" as const },
  ];
  const group = (g: number): ParquetCell[][] => Array.from({ length: 100 }, (_, i) => [BigInt(g * 100 + i), `name-${g * 100 + i}`]);
  const store = await makeStore({ "p.parquet": writeParquet(columns, [group(0), group(1), group(2)]) });
  try {
    const options: TabularOptions = { format: "parquet" };
    const entries = () => store.ds.list("p.parquet");
    const one = await collect(planTabular(store.ds, entries(), options, 1 << 30));
    assert.deepEqual(
      one.map((s) => [s.unit, s.start, s.end, s.rowCount]),
      [["rows", 0, 300, 300]],
    );

    const split = await collect(planTabular(store.ds, entries(), options, 700)); // a row group is about 2 KB
    assert.ok(split.length >= 6, `${split.length} slices`);
    assertContiguous(split);
    assert.equal(split.at(-1)?.end, 300);
    const read = await readSlices(store.ds, split, options);
    assert.deepEqual(
      read.rows.map((r) => r.id),
      Array.from({ length: 300 }, (_, i) => i),
    );
  } finally {
    await store.remove();
  }
});

test("tabular planning validates its inputs", async () => {
  const store = await makeStore({ "a.csv": "x\n1\n" });
  try {
    await assert.rejects(collect(planTabular(store.ds, store.ds.list("a.csv"), { format: "csv" }, 0)), /mini_batch_size '0' is not valid for tabular data/);
    await assert.rejects(
      collect(planTabular(store.ds, store.ds.list("a.csv"), { format: "tsv" } as unknown as TabularOptions, 10)),
      /tabular options are not valid: format/,
    );
    const headerless = await collect(planTabular(store.ds, store.ds.list("a.csv"), { format: "csv", header: false }, 10));
    assert.deepEqual(
      headerless.map((s) => [s.start, s.rowCount, s.columns]),
      [[0, 2, ["column_0"]]],
    );
    await store.ds.write("bad-header.csv", `"a,b\n1,2\n`);
    await assert.rejects(
      collect(planTabular(store.ds, store.ds.list("bad-header.csv"), csv, 10)),
      /the header of file 'bad-header.csv' \(line 1\) is malformed/,
    );
    assert.equal(formatCsvRow([null]), '""\n');
  } finally {
    await store.remove();
  }
});
