import assert from "node:assert/strict";
import { test } from "node:test";
import { poolsOf } from "../../../components/designer/queries";

/** The compute target picker's pools: one entry per pool with its connected agents and those taking work. */
test("agents grouped by pool, sorted by name, counting draining or stopping agents as connected but not working", () => {
  const agent = (pool: string, state: string) => ({ pool, state });
  assert.deepEqual(poolsOf([agent("gpu", "busy"), agent("cpu", "idle"), agent("gpu", "draining"), agent("gpu", "idle"), agent("cpu", "stopping")]), [
    { pool: "cpu", agents: 2, working: 1 },
    { pool: "gpu", agents: 3, working: 2 },
  ]);
  assert.deepEqual(poolsOf([]), []);
});
