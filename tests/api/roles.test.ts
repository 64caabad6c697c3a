import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { routes } from "../../lib/contracts/api/routes";
import { type Matrix, runMatrix, setupMatrix } from "./role-matrix";

let m: Matrix;
before(async () => {
  m = await setupMatrix("sqlite");
});
after(async () => m?.ctx.cleanup());

test("every route x {anonymous, viewer, editor, admin, revoked token, expired token} answers as its access rule says (SQLite)", async () => {
  const { wrong, cells, publicRoutes } = await runMatrix(m);
  assert.ok(cells >= Object.keys(routes).length * 6);
  assert.deepEqual(wrong, []);
  // Nothing else answers an anonymous caller: sign-in, invite acceptance (owner set-up) and health.
  assert.deepEqual(publicRoutes.sort(), ["GET /api/health", "POST /api/auth/invite", "POST /api/auth/sign-in"]);
});
