import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyCounters, type StepCounters } from "../../../lib/contracts/run-events";
import { counterSummary, stepSentence } from "../../../lib/engine/step/merge";

/** The sentence a step ends with names its real outcome and counts what was done, not what was planned. */

const counters = (c: Partial<StepCounters>): StepCounters => ({ ...emptyCounters(), ...c });

test("a completed step whose every item failed does not read as a plain 'Completed'", () => {
  const c = counters({ totalMiniBatches: 1, succeededMiniBatches: 1, totalItems: 1, failedItems: 1 });
  assert.equal(
    stepSentence("completed", { status: "completed", counters: c }, undefined, 1.25),
    "Completed, but every item failed: 0 of 1 item succeeded and 1 failed in 1 mini-batch (0 failed, 0 retries) in 1.3 s.",
  );
});

test("some failed items are named in the first words; a clean run stays 'Completed:'", () => {
  const some = counters({ totalMiniBatches: 2, succeededMiniBatches: 2, totalItems: 10, succeededItems: 9, failedItems: 1 });
  assert.match(stepSentence("completed", { status: "completed", counters: some }, undefined, 2), /^Completed with failed items: 9 of 10 items/);
  const clean = counters({ totalMiniBatches: 2, succeededMiniBatches: 2, totalItems: 10, succeededItems: 10, retries: 1 });
  assert.match(
    stepSentence("completed", { status: "completed", counters: clean }, undefined, 2),
    /^Completed: 10 of 10 items succeeded and 0 failed in 2 mini-batches \(0 failed, 1 retry\)/,
  );
});

test("a cancelled step counts the mini-batches done of those planned", () => {
  const c = counters({ totalMiniBatches: 10_000, succeededMiniBatches: 923, totalItems: 10_000, succeededItems: 923 });
  const sentence = stepSentence("cancelled", { status: "cancelled", reason: "The run was cancelled.", counters: c }, undefined, 24);
  assert.equal(
    sentence,
    "Cancelled: 923 of 10000 items succeeded and 0 failed; 923 of 10000 mini-batches done (0 failed, 0 retries) in 24.0 s. The run was cancelled.",
  );
  assert.doesNotMatch(counterSummary(c, 24), /in 10000 mini-batches/);
});
