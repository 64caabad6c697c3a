import { test } from "node:test";
import assert from "node:assert/strict";
import { readSlice } from "../../../lib/datasets/tabular/read";
import { AppError } from "../../../lib/errors";
import { makeStore, readAll } from "./fixtures";
import { writeParquet, type ParquetCell } from "./parquet-writer";

test("JSON Lines: objects become rows, nested values JSON text; bad lines are reported", async () => {
  const lines = ['{"a":1,"b":"x"}', '{"a":2,"b":null,"c":[1,{"d":true}]}', "", "not json", "[1,2]", '{"a":3}', "   "];
  const store = await makeStore({ "d/rows.jsonl": lines.join("\n") });
  try {
    const { columns, rows, badRows } = await readAll(store.ds, "d/rows.jsonl", { format: "jsonl" });
    assert.deepEqual(columns, ["a", "b", "c"]);
    assert.deepEqual(rows, [
      { a: 1, b: "x", c: null },
      { a: 2, b: null, c: '[1,{"d":true}]' },
      { a: 3, b: null, c: null },
    ]);
    assert.equal(badRows.length, 2);
    assert.equal(badRows[0]?.row, 2);
    assert.match(badRows[0]?.reason ?? "", /^file 'd\/rows.jsonl' line 4: invalid JSON/);
    assert.deepEqual(badRows[1], { row: 3, reason: "file 'd/rows.jsonl' line 5: expected a JSON object, found an array" });
  } finally {
    await store.remove();
  }
});

const columns = [
  { name: "id", type: "int64" as const },
  { name: "score", type: "double" as const, optional: true },
  { name: "ok", type: "boolean" as const },
  { name: "label", type: "string" as const, optional: true },
];
const makeRow = (i: number): ParquetCell[] => [BigInt(i), i % 5 === 0 ? null : i / 4, i % 2 === 0, i % 7 === 0 ? null : `row ${i}`];
const expected = (i: number) => ({ id: i, score: i % 5 === 0 ? null : i / 4, ok: i % 2 === 0, label: i % 7 === 0 ? null : `row ${i}` });

test("Parquet: reads row ranges across row groups", async () => {
  const groups = [0, 1, 2].map((g) => Array.from({ length: 40 }, (_, i) => makeRow(g * 40 + i)));
  const store = await makeStore({ "t.parquet": writeParquet(columns, groups) });
  try {
    const all = await readAll(store.ds, "t.parquet", { format: "parquet" });
    assert.deepEqual(all.columns, ["id", "score", "ok", "label"]);
    assert.deepEqual(
      all.rows,
      Array.from({ length: 120 }, (_, i) => expected(i)),
    );
    const slice = { path: "t.parquet", unit: "rows" as const, start: 35, end: 45, rowCount: 10, columns: all.columns, firstRow: 35, firstLine: 36 };
    const part = await readSlice(store.ds, slice, { format: "parquet" });
    assert.deepEqual(
      part.rows,
      Array.from({ length: 10 }, (_, i) => expected(35 + i)),
    );
    await assert.rejects(readSlice(store.ds, { ...slice, unit: "bytes" }, { format: "parquet" }), /Parquet slices are row ranges/);
  } finally {
    await store.remove();
  }
});

test("a file that is not Parquet gives a clear error", async () => {
  const store = await makeStore({ "bad.parquet": "just,some,csv\n" });
  try {
    await assert.rejects(
      readAll(store.ds, "bad.parquet", { format: "parquet" }),
      (e: unknown) => e instanceof AppError && /file 'bad.parquet' is not a readable Parquet file/.test(e.message),
    );
  } finally {
    await store.remove();
  }
});
