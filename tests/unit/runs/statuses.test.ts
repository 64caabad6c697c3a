import assert from "node:assert/strict";
import { test } from "node:test";
import { MiniBatchStatus, RunStatus, StepStatus, TERMINAL_RUN_STATUSES, isTerminalRunStatus } from "../../../lib/contracts/statuses";
import * as pg from "../../../lib/db/generated/postgresql/enums";
import * as sqlite from "../../../lib/db/generated/sqlite/enums";

// The Prisma enums (prisma/models.prisma) and the contract's z.enum name the same values: the
// database layer hands its typed statuses straight to the API, the SSE stream and the UI.
const pairs = [
  { name: "RunStatus", contract: RunStatus.options, sqlite: sqlite.RunStatus, pg: pg.RunStatus },
  { name: "StepStatus", contract: StepStatus.options, sqlite: sqlite.StepStatus, pg: pg.StepStatus },
  { name: "MiniBatchStatus", contract: MiniBatchStatus.options, sqlite: sqlite.MiniBatchStatus, pg: pg.MiniBatchStatus },
];
for (const { name, contract, ...prisma } of pairs) {
  test(`${name}: the Prisma enum of both providers has exactly the contract's values`, () => {
    assert.deepEqual(Object.values(prisma.sqlite).sort(), [...contract].sort());
    assert.deepEqual(Object.values(prisma.pg).sort(), [...contract].sort());
  });
}

test("terminal run statuses are the ended ones, and only those", () => {
  assert.deepEqual([...TERMINAL_RUN_STATUSES].sort(), ["cancelled", "completed", "failed"]);
  assert.deepEqual(RunStatus.options.filter(isTerminalRunStatus).sort(), ["cancelled", "completed", "failed"]);
  assert.equal(isTerminalRunStatus("cancelling"), false);
});
