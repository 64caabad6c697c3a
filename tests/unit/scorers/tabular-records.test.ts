/**
 * The tabular scorer's fast path: CSV slices read as records (bytes, no row objects), numbers
 * parsed straight into the tensor, output rows from the input line. It must write exactly what
 * the row-object path writes (header, order, quoting, number text), fail a non-numeric cell's row
 * alone naming its line and column, and read CSV edge cases (quotes, CRLF, blank lines) the same.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { csvRecordsOf, setCsvRecordsMode } from "../../../lib/datasets/tabular/csv-records";
import type { TabularOptions } from "../../../lib/datasets/tabular/options";
import { readSlice } from "../../../lib/datasets/tabular/read";
import { formatRows } from "../../../lib/engine/rows";
import { writeModel } from "../../../lib/onnx/write";
import { planTabular } from "../../../lib/planning/tabular";
import type { TabularMiniBatch } from "../../../lib/sdk/entry-script";
import * as tabular from "../../../lib/scorers/tabular-scorer";
import { fastNumber, float32Text } from "../../../lib/scorers/tabular-text";
import { shortestFloat32 } from "../../../lib/scorers/values";
import { makeStore } from "../datasets/fixtures";
import { affineGraph } from "../onnx/models";
import { seeded } from "../../support/random";
import { makeContext } from "./context";

let dir: string;
let modelPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "prs-tabular-records-"));
  modelPath = join(dir, "affine.onnx");
  await writeModel(modelPath, affineGraph());
});
after(async () => {
  setCsvRecordsMode(false);
  await rm(dir, { recursive: true, force: true });
});

interface Scored {
  lines: string;
  columns: string[] | null;
  failures: { item: string | number; reason: string }[];
  bad: { row: number; reason: string }[];
  records: boolean;
}

/** Plans the file into slices of at most maxBytes, reads and scores each, in one mode. */
async function scoreFile(
  content: string,
  records: boolean,
  extra: Record<string, unknown> = {},
  options: TabularOptions = { format: "csv" },
  maxBytes = 1 << 20,
) {
  const store = await makeStore({ "t.csv": content });
  try {
    const { ctx, failures } = makeContext({ kind: "onnx-tabular", model: "affine", modelPath, columns: ["a", "b", "c"], ...extra });
    await tabular.init(ctx);
    setCsvRecordsMode(records);
    const out: Scored = { lines: "", columns: null, failures, bad: [], records: false };
    const entry = await store.ds.stat("t.csv");
    for await (const slice of planTabular(store.ds, [entry!], options, maxBytes)) {
      const { rows, columns, badRows } = await readSlice(store.ds, slice, options);
      const batch: TabularMiniBatch = Object.assign(rows, { columns });
      out.records ||= csvRecordsOf(batch) !== undefined;
      const formatted = formatRows(await tabular.run(batch, ctx));
      out.lines += formatted.lines;
      out.columns ??= formatted.columns;
      out.bad.push(...badRows);
    }
    await tabular.shutdown();
    return out;
  } finally {
    await store.remove();
  }
}

/** Both paths over the same file: the same output and bad rows; the failures as each names them. */
async function bothPaths(content: string, extra: Record<string, unknown> = {}, options: TabularOptions = { format: "csv" }, maxBytes = 1 << 20) {
  const objects = await scoreFile(content, false, extra, options, maxBytes);
  const records = await scoreFile(content, true, extra, options, maxBytes);
  assert.equal(objects.records, false);
  assert.equal(records.records, true, "the records path was taken");
  assert.equal(records.lines, objects.lines);
  assert.deepEqual(records.columns, objects.columns);
  assert.deepEqual(records.bad, objects.bad);
  assert.equal(records.failures.length, objects.failures.length);
  return records;
}

test("plain rows: each output line is the input line then the outputs, as the object path writes it", async () => {
  const out = await bothPaths("id,a,b,c,note\n1,0.5,2,3,x\n2,1.25,-4,0,y z\n3,7,8,9,\n");
  assert.deepEqual(out.columns, ["id", "a", "b", "c", "note", "y_0", "y_1", "y_2", "sum"]);
  assert.equal(out.lines, "1,0.5,2,3,x,2,5,7,14\n2,1.25,-4,0,y z,3.5,-7,1,-2.5\n3,7,8,9,,15,17,19,51\n");
});

test("numbers written longer than they print are rewritten as the object path does (1.50, +2, .5, 1e2, -0, 0.0000001)", async () => {
  const out = await bothPaths(
    [
      "id,a,b,c,note",
      "1,1.50,+2,.5,1e2",
      "-0,1.,-0.000,0.0000001,007",
      "12345678901234567890,1E-3,2.000,3,-00",
      "0.1234567890123456,1,2,3,+x",
      "9007199254740993,1,2,3,1.2.3",
    ].join("\n"),
  );
  assert.equal(out.lines.split("\n")[0], "1,1.5,2,0.5,100,4,5,2,11");
  assert.match(out.lines.split("\n")[1]!, /^0,1,0,1e-7,007,/);
});

test("quoted fields (delimiters, quotes, line breaks, quoted numbers) and CRLF lines", async () => {
  const content = ["id,a,b,c,note", '1,"1.5",2,3,"a, b"', '2,1,"2",3,"say ""hi"""', '3,1,2,3,"two\nlines"', '"4",1,2,3,""', "5,1,2,3,ok"].join("\r\n");
  const out = await bothPaths(`${content}\r\n`);
  assert.equal(out.lines.split("\n").filter(Boolean).length, 6, "five rows, one holding a line break inside quotes");
  assert.ok(out.lines.includes('"two\nlines"'), "a line break inside a field stays inside its quotes");
  assert.ok(!out.lines.includes("\r"), "no CR from CRLF input");
});

test("an empty trailing line, blank lines and a missing final line break", async () => {
  await bothPaths("id,a,b,c,note\n1,1,2,3,x\n\n2,4,5,6,y\n\n\n");
  const out = await bothPaths("id,a,b,c,note\r\n1,1,2,3,x\r\n\r\n2,4,5,6,y");
  assert.equal(out.lines, "1,1,2,3,x,3,5,7,15\n2,4,5,6,y,9,11,13,33\n");
});

test("a non-numeric cell fails its row alone, naming line, row and column; the rest of the mini-batch is scored", async () => {
  const out = await bothPaths("id,a,b,c,note\n1,1,2,3,x\n2,1,abc,3,y\n3,1,2,,z\n4, 7 ,2,3,w\n5,1,2,0x10,v\n");
  assert.deepEqual(out.failures, [
    { item: "row 1", reason: "file 't.csv' line 3 (row 1): column 'b' is not a number: 'abc'" },
    { item: "row 2", reason: "file 't.csv' line 4 (row 2): column 'c' is not a number: ''" },
  ]);
  assert.deepEqual(
    out.lines.split("\n").map((l) => l.split(",")[0]),
    ["1", "4", "5", ""],
    "rows 1, 4 (spaces around a number are allowed) and 5 are scored",
  );
});

test("malformed rows are bad rows as before; several slices; kept columns; another delimiter", async () => {
  const rows = ["id,a,b,c,note"];
  for (let i = 0; i < 200; i++) rows.push(i === 50 ? "50,1,2" : i === 90 ? '90,1,2,3,"open' : `${i},${i / 8},${i % 7}.0,-${i},n${i}`);
  const content = `${rows.join("\n")}\n`;
  const out = await bothPaths(content, {}, { format: "csv" }, 1024);
  assert.equal(out.bad.length, 2);
  assert.equal(out.lines.split("\n").length - 1, 198);
  await bothPaths(content, { keepColumns: ["note", "id"] }, { format: "csv" }, 700);
  await bothPaths(content, { keepColumns: [] });
  await bothPaths(content, { outputs: [{ name: "sum", column: "total" }] });
  await bothPaths(content.replaceAll(",", ";").replace("n1;", "n,1;"), {}, { format: "csv", delimiter: ";" });
  await bothPaths('id,a,b,c,note\n1,1,2,3,é ü\n2,4,5,6,"ñ, x"\n');
});

test("a kept column named like an output, or kept twice: the object path's header, whatever it is, is kept", async () => {
  const collide = await bothPaths("id,a,b,c,sum\n1,1,2,3,x\n2,4,5,6,y\n");
  assert.deepEqual(collide.columns, ["id", "a", "b", "c", "sum", "y_0", "y_1", "y_2"]);
  await bothPaths("id,a,b,c,note\n1,1,2,3,x\n2,4,5,6,y\n", { keepColumns: ["id", "id", "missing"] });
});

test("fastNumber reads what Number reads, or declines", () => {
  const random = seeded(5);
  const samples = [
    "0",
    "-0",
    "+1",
    "1.",
    ".5",
    "1e5",
    "1E-5",
    "-1.5e+3",
    "00012",
    "1e",
    "e5",
    ".",
    "-",
    "1.2.3",
    "1e400",
    "123456789012345",
    "1234567890123456",
  ];
  for (let i = 0; i < 2000; i++) samples.push((random() * 10 ** Math.floor(random() * 12 - 6)).toFixed(Math.floor(random() * 8)));
  for (const s of samples) {
    const fast = fastNumber(Buffer.from(s), 0, s.length);
    if (!Number.isNaN(fast)) assert.ok(Object.is(fast, Number(s)), `${s}: ${fast} vs ${Number(s)}`);
  }
  assert.ok(Number.isNaN(fastNumber(Buffer.from("1e"), 0, 2)));
  assert.ok(Number.isNaN(fastNumber(Buffer.from("0x10"), 0, 4)));
});

test("float32Text is the text of shortestFloat32", () => {
  const random = seeded(9);
  const values = [0, -0, 1, 0.5, 2 ** -20, 2 ** 30, -(2 ** 7), 0.1, 1 / 3, 3.4028234663852886e38, 1.401298464324817e-45, Number.NaN, Number.POSITIVE_INFINITY];
  for (let i = 0; i < 20000; i++) values.push(Math.fround((random() - 0.5) * 10 ** Math.floor(random() * 20 - 10)));
  for (let e = -30; e < 30; e++) values.push(Math.fround(2 ** e), Math.fround(-(2 ** e) * 1.5));
  for (const v of values) assert.equal(float32Text(Math.fround(v)), String(shortestFloat32(Math.fround(v))), `value ${v}`);
});
