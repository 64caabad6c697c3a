import assert from "node:assert/strict";
import { test } from "node:test";
import { relativeTime } from "../../../components/runs/format";
import { histogram } from "../../../components/runs/histogram";
import { defaultLogFile } from "../../../components/runs/log-viewer";
import { outcomeOf, outcomeTone, runOutcome } from "../../../components/runs/outcome";
import { plural } from "../../../components/runs/plural";
import { runFigures, stepThroughput } from "../../../components/runs/run-figures";
import { emptyCounters, type StepView } from "../../../lib/contracts/run-events";
import { thumbnail } from "../../../lib/image/thumbnail";
import { compareCells, pageRows } from "../../../lib/services/output-table";
import { changedRows } from "../../../lib/services/run-compare";
import { laneBars } from "../../../lib/services/run-insights";

/** The run monitor's pure parts: outcomes, figures, bins, paging, differences, lanes, thumbnails. */

const step = (over: Omit<Partial<StepView>, "counters"> & { counters?: Partial<StepView["counters"]> }): StepView => ({
  name: "s",
  dependsOn: [],
  status: "completed",
  statusReason: null,
  itemsPerSecond: 0,
  startedAt: null,
  endedAt: null,
  ...over,
  counters: { ...emptyCounters(), ...over.counters },
});

test("outcomes: all items failed is danger, some failed a warning, a clean run success", () => {
  assert.equal(outcomeOf("completed", { succeededItems: 0, failedItems: 1 }), "all_items_failed");
  assert.equal(outcomeTone[outcomeOf("completed", { succeededItems: 0, failedItems: 1 })], "danger");
  assert.equal(outcomeOf("completed", { succeededItems: 9, failedItems: 1 }), "completed_with_failures");
  assert.equal(outcomeTone.completed_with_failures, "warning");
  assert.equal(outcomeOf("completed", { succeededItems: 9, failedItems: 0 }), "completed");
  assert.equal(outcomeOf("running", { succeededItems: 0, failedItems: 5 }), "running", "only an ended run is judged");
  assert.equal(runOutcome("completed", [step({ counters: { succeededItems: 3 } }), step({ counters: { failedItems: 2 } })]), "completed_with_failures");
});

test("a finished run shows its average throughput over its duration, not a live rate of 0", () => {
  const steps = [step({ counters: { totalItems: 100, succeededItems: 90, failedItems: 10 }, itemsPerSecond: 0 })];
  const ended = runFigures({ status: "completed", startedAt: "2026-01-01T00:00:00Z", endedAt: "2026-01-01T00:00:20Z" }, steps);
  assert.deepEqual(ended, { done: 100, total: 100, failed: 10, itemsPerSecond: 5 });
  const copied = runFigures({ status: "completed", startedAt: "2026-01-01T00:00:00Z", endedAt: "2026-01-01T00:00:00.088Z" }, [
    step({ status: "reused", counters: { totalItems: 10_000, succeededItems: 10_000 } }),
  ]);
  assert.deepEqual(copied, { done: 10_000, total: 10_000, failed: 0, itemsPerSecond: undefined }, "a run whose steps were all reused processed nothing itself");
  const live = runFigures({ status: "running", startedAt: "2026-01-01T00:00:00Z", endedAt: null }, [
    step({ status: "running", itemsPerSecond: 12, etaSeconds: 30 }),
  ]);
  assert.equal(live.itemsPerSecond, 12);
  assert.equal(live.etaSeconds, 30);
  const s = step({ startedAt: "2026-01-01T00:00:00Z", endedAt: "2026-01-01T00:00:04Z", counters: { succeededItems: 8 } });
  assert.deepEqual(stepThroughput(s), { itemsPerSecond: 2, average: true });
  assert.deepEqual(stepThroughput({ ...s, status: "reused" }), { average: true }, "a reused step processed nothing itself");
});

test("histogram: equal bins over the range, every value counted once", () => {
  const bins = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], 5);
  assert.equal(bins.length, 5);
  assert.equal(
    bins.reduce((n, b) => n + b.count, 0),
    10,
  );
  assert.deepEqual(
    bins.map((b) => b.count),
    [2, 2, 2, 2, 2],
  );
  assert.deepEqual(histogram([7, 7, 7], 10), [{ from: 7, to: 7, count: 3 }]);
  assert.deepEqual(histogram([], 10), []);
});

test("output pages: numbers sort as numbers, the filter keeps one label, pages slice the filtered rows", () => {
  const parsed = {
    columns: ["file", "label", "probability"],
    rows: Array.from({ length: 30 }, (_, i) => [`${i}.png`, String(i % 3), String(((i * 7) % 30) / 30)]),
  };
  assert.ok(compareCells("9", "10") < 0);
  assert.ok(compareCells("b", "a") > 0);
  const page = pageRows(parsed, { label: "1", sort: "probability", order: "asc", pageSize: 4, page: 2 });
  assert.equal(page.total, 10);
  assert.equal(page.fileRows, 30);
  assert.equal(page.rows.length, 4);
  assert.ok(page.rows.every((r) => r[1] === "1"));
  const all = pageRows(parsed, { label: "1", sort: "probability", order: "asc", pageSize: 100 }).rows.map((r) => Number(r[2]));
  assert.deepEqual(
    all,
    [...all].sort((a, b) => a - b),
  );
  assert.deepEqual(page.labels, ["0", "1", "2"]);
  assert.equal(page.images, true);
  assert.equal(pageRows(parsed, { page: 99, pageSize: 25 }).page, 2, "a page past the end shows the last");
  assert.throws(() => pageRows(parsed, { sort: "nope" }), /no column 'nope' to sort by \(columns: file, label, probability\)/);
});

test("changed rows: keyed by the first column, rows only in one run included", () => {
  const a = new Map([
    ["1.png", ["1.png", "1"]],
    ["2.png", ["2.png", "2"]],
    ["3.png", ["3.png", "3"]],
  ]);
  const b = new Map([
    ["1.png", ["1.png", "1"]],
    ["2.png", ["2.png", "5"]],
    ["4.png", ["4.png", "4"]],
  ]);
  assert.deepEqual(changedRows(a, b), [
    { key: "2.png", a: ["2.png", "2"], b: ["2.png", "5"] },
    { key: "3.png", a: ["3.png", "3"] },
    { key: "4.png", b: ["4.png", "4"] },
  ]);
});

test("lanes: a sampled mini-batch stays in its process's lane, an unsampled one goes to a free lane", () => {
  const batch = (idx: number, start: number, end: number) => ({ idx, start, end, status: "succeeded", items: 1 });
  const lanes = laneBars(
    [batch(0, 1000, 2000), batch(1, 1000, 2000), batch(2, 2000, 3000)],
    new Map([
      [0, "node 0 · process 0"],
      [1, "node 0 · process 1"],
    ]),
    1000,
  );
  assert.deepEqual(
    lanes.map((l) => [l.label, l.bars.map((b) => [b.idx, b.start, b.end])]),
    [
      [
        "node 0 · process 0",
        [
          [0, 0, 1000],
          [2, 1000, 2000],
        ],
      ],
      ["node 0 · process 1", [[1, 0, 1000]]],
    ],
  );
});

test("thumbnails: small images enlarged by whole multiples, large ones averaged down", () => {
  const small = thumbnail({ width: 2, height: 1, channels: 1, data: Uint8Array.of(0, 255) }, 6);
  assert.deepEqual([small.width, small.height], [6, 3]);
  assert.deepEqual([...small.data.subarray(0, 6)], [0, 0, 0, 255, 255, 255]);
  const large = thumbnail({ width: 4, height: 2, channels: 1, data: Uint8Array.of(0, 100, 200, 200, 0, 100, 200, 200) }, 2);
  assert.deepEqual([large.width, large.height, ...large.data], [2, 1, 50, 200]);
});

test("logs: a finished run opens the job result of the chosen step, a running one the entry script's log", () => {
  const files = [
    { step: "a", path: "job_result.txt" },
    { step: "a", path: "user/entry_script_log/0/process000.log" },
    { step: "b", path: "job_result.txt" },
  ];
  assert.deepEqual(defaultLogFile(files, false, "b"), { step: "b", path: "job_result.txt" });
  assert.deepEqual(defaultLogFile(files, true, "a"), { step: "a", path: "user/entry_script_log/0/process000.log" });
  assert.deepEqual(defaultLogFile(files, false, "zzz"), { step: "a", path: "job_result.txt" });
});

test("lists read naturally: plurals and relative times", () => {
  assert.equal(plural(1, "run"), "1 run");
  assert.equal(plural(10000, "item"), "10,000 items");
  assert.equal(plural(2, "retry", "retries"), "2 retries");
  const now = Date.parse("2026-01-10T12:00:00Z");
  assert.equal(relativeTime("2026-01-10T11:59:50Z", now), "just now");
  assert.equal(relativeTime("2026-01-10T11:55:00Z", now), "5 min ago");
  assert.equal(relativeTime("2026-01-10T09:00:00Z", now), "3 h ago");
  assert.equal(relativeTime("2026-01-09T12:00:00Z", now), "1 day ago");
});

test("/data: a binary first file is not text; a datastore folder must be absolute and exist", async () => {
  const { looksLikeText } = await import("../../../lib/services/dataset-preview");
  const { checkExistingFolder } = await import("../../../lib/services/datastores");
  assert.equal(looksLikeText(new TextEncoder().encode("file,label\n0.png,7\n")), true);
  assert.equal(looksLikeText(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13)), false);
  assert.throws(() => checkExistingFolder("data/images"), /local datastore root 'data\/images' is relative: give the folder's absolute path/);
  assert.throws(
    () => checkExistingFolder("/nonexistent/prs-folder"),
    /local datastore root '\/nonexistent\/prs-folder' does not exist: create the folder first/,
  );
  assert.doesNotThrow(() => checkExistingFolder(process.cwd()));
});
