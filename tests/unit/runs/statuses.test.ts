import assert from "node:assert/strict";
import { test } from "node:test";
import { MiniBatchStatus, RunStatus, StepStatus, TERMINAL_RUN_STATUSES, isTerminalRunStatus } from "../../../lib/contracts/statuses";
import * as sqliteEnums from "../../../lib/db/generated/sqlite/enums";
import * as pgEnums from "../../../lib/db/generated/postgresql/enums";

// The Prisma enums (prisma/models.prisma) and the contract's z.enum name the same values: the
// database layer hands its typed statuses straight to the API, the SSE stream and the UI.
for (const [name, contract] of [
  ["RunStatus", RunStatus],
  ["StepStatus", StepStatus],
  ["MiniBatchStatus", MiniBatchStatus],
] as const) {
  test(`${name}: the Prisma enum of both providers has exactly the contract's values`, () => {
    assert.deepEqual(Object.values(sqliteEnums[name]).sort(), [...contract.options].sort());
    assert.deepEqual(Object.values(pgEnums[name]).sort(), [...contract.options].sort());
  });
}

test("terminal run statuses are the ended ones, and only those", () => {
  assert.deepEqual([...TERMINAL_RUN_STATUSES].sort(), ["cancelled", "completed", "failed"]);
  assert.deepEqual(RunStatus.options.filter(isTerminalRunStatus).sort(), ["cancelled", "completed", "failed"]);
  assert.equal(isTerminalRunStatus("cancelling"), false);
});
