import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createApiToken, revokeApiToken } from "../../lib/auth/api-tokens";
import { authenticate, createSession, verifyApiToken } from "../../lib/auth/identity";
import { acceptInvite, createInvite, describeInvite, ownerSetupToken } from "../../lib/auth/invites";
import { hashPassword, verifyPassword } from "../../lib/auth/secrets";
import { checkSignIn, updateUser } from "../../lib/auth/users";
import { AppError } from "../../lib/errors";
import { makeTestUser } from "../support/auth";
import { makeTestContext, type TestContext } from "../support/context";

/** Sign-in's rules on a real database: set-up and invite links, tokens, roles, the rate limit. */

let ctx: TestContext;
before(async () => {
  ctx = await makeTestContext("sqlite");
});
after(async () => ctx?.cleanup());

const code = async (work: Promise<unknown>): Promise<string> => {
  try {
    await work;
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
};

describe("first start", () => {
  test("the owner set-up link works once, replaces the earlier link, and stops once an account exists", async () => {
    const first = await ownerSetupToken(ctx.db);
    const second = await ownerSetupToken(ctx.db);
    assert.ok(first && second && first !== second);
    assert.match((await describeInvite(ctx.db, first)).problem ?? "", /replaced by a newer one/);
    assert.match(await code(acceptInvite(ctx.db, { token: first, email: "a@x.test", name: "A", password: "password-123" })), /^conflict: .*replaced/);
    const owner = await acceptInvite(ctx.db, { token: second, email: "Owner@X.test", name: "Owner", password: "password-123" });
    assert.equal(owner.role, "admin");
    assert.equal(owner.email, "owner@x.test");
    assert.match(await code(acceptInvite(ctx.db, { token: second, email: "b@x.test", name: "B", password: "password-123" })), /owner account exists already/);
    assert.equal(await ownerSetupToken(ctx.db), undefined);
  });
});

describe("invites", () => {
  test("an invite gives its role once; an expired one is refused", async () => {
    const admin = await makeTestUser(ctx.db, "admin");
    const { token } = await createInvite(ctx.db, admin.actor, { role: "viewer" });
    const viewer = await acceptInvite(ctx.db, { token, email: "v@x.test", name: "V", password: "password-123" });
    assert.equal(viewer.role, "viewer");
    assert.match(await code(acceptInvite(ctx.db, { token, email: "w@x.test", name: "W", password: "password-123" })), /used already/);
    const old = await createInvite(ctx.db, admin.actor, { role: "editor" });
    await ctx.db.invite.update({ where: { id: old.invite.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    assert.match(await code(acceptInvite(ctx.db, { token: old.token, email: "e@x.test", name: "E", password: "password-123" })), /expired/);
    assert.match(await code(acceptInvite(ctx.db, { token: "nonsense", email: "n@x.test", name: "N", password: "password-123" })), /^invalid_input/);
  });
});

describe("API tokens", () => {
  test("a token acts with the lower of its role and its user's; revoked, expired and deactivated users' tokens are refused with a reason", async () => {
    const editor = await makeTestUser(ctx.db, "editor");
    const readOnly = await createApiToken(ctx.db, editor.actor, { name: "read only", role: "viewer", expiresInDays: 30 });
    const identity = await verifyApiToken(ctx.db, readOnly.token);
    assert.equal(identity.actor?.role, "viewer");
    assert.ok((await ctx.db.apiToken.findUniqueOrThrow({ where: { id: readOnly.id } })).lastUsedAt);
    assert.equal((await ctx.db.apiToken.findUniqueOrThrow({ where: { id: readOnly.id } })).tokenHash.includes(readOnly.token), false);

    // Above the role asking: refused, also for a lower token of a higher user.
    assert.match(await code(createApiToken(ctx.db, editor.actor, { name: "x", role: "admin" })), /^forbidden/);
    assert.match(await code(createApiToken(ctx.db, identity.actor!, { name: "x", role: "editor" })), /^forbidden/);

    await revokeApiToken(ctx.db, editor.actor, readOnly.id);
    assert.match((await verifyApiToken(ctx.db, readOnly.token)).problem ?? "", /was revoked/);
    assert.match((await verifyApiToken(ctx.db, "prs_unknown")).problem ?? "", /not known/);
    assert.match((await verifyApiToken(ctx.db, "abc")).problem ?? "", /start with prs_/);

    const admin = await makeTestUser(ctx.db, "admin");
    await updateUser(ctx.db, admin.actor, editor.id, { active: false });
    assert.match((await verifyApiToken(ctx.db, editor.token)).problem ?? "", /deactivated/);
    // A demoted user's tokens shrink with them.
    const other = await makeTestUser(ctx.db, "editor");
    await updateUser(ctx.db, admin.actor, other.id, { role: "viewer" });
    assert.equal((await verifyApiToken(ctx.db, other.token)).actor?.role, "viewer");
  });

  test("a malformed Authorization header is refused and never falls back to the cookie", async () => {
    const user = await makeTestUser(ctx.db, "viewer");
    const { token } = await createSession(ctx.db, user.id);
    const cookie = `prs_session=${token}`;
    assert.equal((await authenticate(ctx.db, new Headers({ cookie }))).actor?.email, user.email);
    const both = await authenticate(ctx.db, new Headers({ cookie, authorization: "Basic abc" }));
    assert.equal(both.actor, null);
    assert.match(both.problem ?? "", /Bearer/);
  });
});

describe("users", () => {
  test("the last active admin can be neither demoted nor deactivated", async () => {
    const fresh = await makeTestContext("sqlite");
    try {
      const only = await makeTestUser(fresh.db, "admin");
      assert.match(await code(updateUser(fresh.db, only.actor, only.id, { role: "editor" })), /last active admin/);
      const second = await makeTestUser(fresh.db, "admin");
      assert.match(await code(updateUser(fresh.db, second.actor, second.id, { active: false })), /cannot deactivate yourself/);
      assert.equal((await updateUser(fresh.db, second.actor, only.id, { role: "editor" })).role, "editor");
    } finally {
      await fresh.cleanup();
    }
  });

  test("passwords: scrypt with a salt each; sign-in refuses alike, then rate limits", async () => {
    const a = await hashPassword("correct horse");
    assert.notEqual(a, await hashPassword("correct horse"));
    assert.equal(await verifyPassword("correct horse", a), true);
    assert.equal(await verifyPassword("correct horsf", a), false);

    const user = await makeTestUser(ctx.db, "viewer");
    const wrong = () => code(checkSignIn(ctx.db, { email: user.email, password: "nope" }, "10.0.0.9"));
    assert.match(
      await code(checkSignIn(ctx.db, { email: "nobody@x.test", password: "nope" }, "10.0.0.8")),
      /^unauthenticated: The email or the password is wrong/,
    );
    for (let i = 0; i < 5; i++) assert.match(await wrong(), /^unauthenticated: The email or the password is wrong/);
    assert.match(await wrong(), /^rate_limited: Too many failed sign-ins/);
    // Even the right password waits now.
    assert.match(await code(checkSignIn(ctx.db, { email: user.email, password: user.password }, "10.0.0.9")), /^rate_limited/);
  });
});
