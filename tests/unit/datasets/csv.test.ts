import { test } from "node:test";
import assert from "node:assert/strict";
import { TabularOptions } from "../../../lib/datasets/tabular/options";
import { makeStore, readAll } from "./fixtures";

const messy = [
  "id,name,score",
  "1,alice,3.5",
  '2,"bob, jr",4',
  '3,"multi',
  'line",5',
  '4,"say ""hi""",007',
  "5,,-1e3",
  "6,too,many,fields",
  '7,"unterminated,8',
  "8,ok,9",
  '9,"closed"late,1',
  "",
  "10,last,",
].join("\n");

test('CSV: quoted delimiters, newlines and "" escapes; numbers; malformed rows reported by line', async () => {
  const store = await makeStore({ "data/messy.csv": messy });
  try {
    const { columns, rows, badRows } = await readAll(store.ds, "data/messy.csv", { format: "csv" });
    assert.deepEqual(columns, ["id", "name", "score"]);
    assert.deepEqual(rows, [
      { id: 1, name: "alice", score: 3.5 },
      { id: 2, name: "bob, jr", score: 4 },
      { id: 3, name: "multi\nline", score: 5 },
      { id: 4, name: 'say "hi"', score: "007" },
      { id: 5, name: null, score: -1000 },
      { id: 8, name: "ok", score: 9 },
      { id: 10, name: "last", score: null },
    ]);
    assert.deepEqual(badRows, [
      { row: 5, reason: "file 'data/messy.csv' line 8: expected 3 fields, found 4" },
      { row: 6, reason: `file 'data/messy.csv' line 9: unterminated quoted field (a '"' opens a field that never closes)` },
      { row: 8, reason: `file 'data/messy.csv' line 11: unexpected character after a closing quote (write "" for a quote inside a quoted field)` },
    ]);
  } finally {
    await store.remove();
  }
});

test("CSV without header names columns column_0..; other delimiters, CRLF and a BOM work", async () => {
  const store = await makeStore({
    "plain.csv": '1;x;true\r\n2;"y;z";false\r\n',
    "bom.csv": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a\tb\n1\t2\n")]),
  });
  try {
    const plain = await readAll(store.ds, "plain.csv", { format: "csv", header: false, delimiter: ";" });
    assert.deepEqual(plain.columns, ["column_0", "column_1", "column_2"]);
    assert.deepEqual(plain.rows, [
      { column_0: 1, column_1: "x", column_2: "true" },
      { column_0: 2, column_1: "y;z", column_2: "false" },
    ]);
    const bom = await readAll(store.ds, "bom.csv", { format: "csv", delimiter: "\\t" });
    assert.deepEqual(bom.columns, ["a", "b"]);
    assert.deepEqual(bom.rows, [{ a: 1, b: 2 }]);
  } finally {
    await store.remove();
  }
});

test("CSV header edge cases: blank and repeated names, header-only and empty files", async () => {
  const store = await makeStore({ "h.csv": "a,,a,__proto__\n1,2,3,4\n", "only.csv": "a,b\n", "empty.csv": "" });
  try {
    const h = await readAll(store.ds, "h.csv", { format: "csv" });
    assert.deepEqual(h.columns, ["a", "column_1", "a_1", "__proto__"]);
    assert.deepEqual(Object.entries(h.rows[0] ?? {}), [
      ["a", 1],
      ["column_1", 2],
      ["a_1", 3],
      ["__proto__", 4],
    ]);
    assert.equal((await readAll(store.ds, "only.csv", { format: "csv" })).slices, 0);
    assert.equal((await readAll(store.ds, "empty.csv", { format: "csv" })).slices, 0);
  } finally {
    await store.remove();
  }
});

test("tabular options are validated", () => {
  assert.ok(TabularOptions.safeParse({ format: "csv", delimiter: "|", header: false }).success);
  assert.equal(TabularOptions.parse({ format: "csv", delimiter: "tab" }).delimiter, "\t");
  assert.ok(!TabularOptions.safeParse({ format: "xlsx" }).success);
  assert.ok(!TabularOptions.safeParse({ format: "csv", delimiter: "ab" }).success);
  assert.ok(!TabularOptions.safeParse({ format: "csv", delimiter: '"' }).success);
  assert.ok(!TabularOptions.safeParse({ format: "csv", encoding: "latin1" }).success);
});
