import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TestContext } from "../support/context";
import { fuzzAllRoutes, setupFuzz, type Seed } from "./fuzz-runner";

// Issue 7, case 11: hostile input to every route (tests/api/fuzz-runner.ts) on SQLite.

let ctx: TestContext | undefined;
let seed: Seed;

before(async () => {
  ({ ctx, seed } = await setupFuzz("sqlite"));
});
after(async () => ctx?.cleanup());

test("no route answers hostile input with a 5xx or a stack trace (SQLite)", { timeout: 240_000 }, async () => {
  const { failures, requests } = await fuzzAllRoutes(seed);
  assert.deepEqual(failures.slice(0, 25), [], `${failures.length} of ${requests} requests failed (first 25 shown)`);
});
