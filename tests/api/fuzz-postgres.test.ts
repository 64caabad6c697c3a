import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { postgresUnavailable, type TestContext } from "../support/context";
import { fuzzAllRoutes, setupFuzz, type Seed } from "./fuzz-runner";

// Issue 7, case 11: the same hostile input on PostgreSQL, which refuses what SQLite stores
// (NUL characters, integers past 32 bits): those must be 400s too, not 500s.

const skip = await postgresUnavailable();
let ctx: TestContext | undefined;
let seed: Seed;

before(async () => {
  if (!skip) ({ ctx, seed } = await setupFuzz("postgresql"));
});
after(async () => ctx?.cleanup());

test("no route answers hostile input with a 5xx or a stack trace (PostgreSQL)", { timeout: 300_000, skip }, async () => {
  const { failures, requests } = await fuzzAllRoutes(seed);
  assert.deepEqual(failures.slice(0, 25), [], `${failures.length} of ${requests} requests failed (first 25 shown)`);
});
