import assert from "node:assert/strict";
import { test } from "node:test";
import { csvField, csvLine, formatCsvRow, splitCsvText } from "../../../lib/datasets/tabular/csv-fields";
import { formatRows } from "../../../lib/engine/rows";

const awkward = ["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "", 42, true, null];

test("a line written by the CSV writer reads back field for field", () => {
  const line = csvLine(awkward);
  // Line breaks stay inside quotes; a reader of whole lines gets them back once the line is joined.
  assert.deepEqual(splitCsvText(line), ["plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "", "42", "true", ""]);
  assert.deepEqual(splitCsvText(csvLine(["x;y", "z"], ";"), ";"), ["x;y", "z"]);
});

test("fields are quoted only when they must be; objects are written as JSON", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField("a;b", ";"), '"a;b"');
  assert.equal(csvField({ k: "v" }), '"{""k"":""v""}"');
  assert.equal(csvField(undefined), "");
});

test("tabular rows keep null and the empty string apart", () => {
  assert.equal(formatCsvRow(["", null, "x"]), '"",,x\n');
  assert.equal(formatCsvRow([null]), '""\n');
  assert.deepEqual(splitCsvText(formatCsvRow(["a,b", 1.5, false]).trimEnd()), ["a,b", "1.5", "false"]);
});

test("run() results and their header go through the same writer", () => {
  const { lines, columns } = formatRows([{ "file,name": "a.png", label: 'x"y' }]);
  assert.deepEqual(columns, ["file,name", "label"]);
  assert.equal(csvLine(columns ?? []), '"file,name",label');
  assert.equal(lines, 'a.png,"x""y"\n');
});
