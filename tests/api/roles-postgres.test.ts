import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { postgresUnavailable } from "../support/context";
import { type Matrix, runMatrix, setupMatrix } from "./role-matrix";

const skip = await postgresUnavailable();
let m: Matrix | undefined;
before(async () => {
  if (!skip) m = await setupMatrix("postgresql");
});
after(async () => m?.ctx.cleanup());

test("the role matrix holds on PostgreSQL too", { skip }, async () => {
  const { wrong } = await runMatrix(m!);
  assert.deepEqual(wrong, []);
});
