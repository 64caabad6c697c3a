import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openNamedDatastore } from "../../../lib/catalog/datastores";
import { AppError } from "../../../lib/errors";
import { previewDataset } from "../../../lib/services/dataset-preview";
import { registerDatastore } from "../../../lib/services/datastores";
import { makeTestContext, type TestContext } from "../../support/context";

/** The error code and message a registration is refused with. */
async function refusal(ctx: TestContext, root: string): Promise<{ code: string; message: string }> {
  try {
    await registerDatastore(ctx.db, ctx.access, { name: "probe", kind: "local", config: { root } });
  } catch (error) {
    assert.ok(error instanceof AppError, `not an AppError: ${String(error)}`);
    return { code: error.code, message: error.message };
  }
  assert.fail(`a datastore at '${root}' was registered`);
}

describe("local datastore roots stay inside the allowed roots", () => {
  let ctx: TestContext;
  let outside: string;
  before(async () => {
    ctx = await makeTestContext("sqlite");
    mkdirSync(ctx.workspace, { recursive: true });
    outside = mkdtempSync(join(tmpdir(), "prs-outside-"));
  });
  after(async () => {
    await ctx?.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  const allowed = () => `(${ctx.access.allowedRoots.join(":")}); set PRS_LOCAL_ROOTS to allow another folder`;

  test("/, /etc and a folder inside /etc are refused with 400, naming the allowed roots", async () => {
    for (const root of ["/", "/etc", "/etc/ssl", "/proc/self", "/var"]) {
      const { code, message } = await refusal(ctx, root);
      assert.equal(code, "invalid_input", root);
      assert.ok(message.startsWith(`local datastore root '${root}' `), message);
      assert.ok(message.endsWith(allowed()), message);
    }
  });

  test("a symbolic link inside an allowed root that leads to /etc is refused", async () => {
    const link = join(ctx.workspace, "etc-link");
    symlinkSync("/etc", link);
    assert.match((await refusal(ctx, link)).message, /is or holds the system folder \/etc/);
    assert.match((await refusal(ctx, join(link, "not-yet-there"))).message, /system folder \/etc/);
  });

  test("a sibling folder and '..' tricks out of the allowed root are refused", async () => {
    assert.equal((await refusal(ctx, outside)).message, `local datastore root '${outside}' is outside the allowed roots ${allowed()}`);
    const dotted = `${ctx.workspace}/../../${outside.split("/").pop()}`;
    assert.match((await refusal(ctx, dotted)).message, /is outside the allowed roots/);
    assert.match((await refusal(ctx, `${ctx.workspace}/../..`)).message, /is outside the allowed roots|holds the data folder/);
  });

  test("the data folder itself is refused even when an allowed root holds it: its database and key are not data", async () => {
    assert.match((await refusal(ctx, ctx.env.dataDir)).message, /holds the data folder/);
  });

  test("a folder inside an allowed root is accepted", async () => {
    const root = join(ctx.workspace, "images");
    mkdirSync(root);
    const view = await registerDatastore(ctx.db, ctx.access, { name: "images", kind: "local", config: { root } });
    assert.equal(view.config.root, root);
  });

  test("a datastore registered outside the roots by an earlier version is refused when opened for a preview", async () => {
    await ctx.db.datastore.create({ data: { id: "ds_legacy", name: "legacy-root", kind: "local", config: JSON.stringify({ root: "/" }) } });
    await assert.rejects(() => openNamedDatastore(ctx.db, ctx.access, "legacy-root"), /local datastore root '\/' is the whole file system/);
    await assert.rejects(
      () => previewDataset(ctx.db, ctx.access, { datastore: "legacy-root", kind: "file", paths: ["etc/passwd"] }),
      (error: unknown) => error instanceof AppError && error.code === "invalid_input" && error.message.endsWith(allowed()),
    );
  });

  test("PRS_LOCAL_ROOTS=/ set by the operator still never allows / itself", async () => {
    const open = { ...ctx.access, allowedRoots: ["/"] };
    await assert.rejects(
      () => registerDatastore(ctx.db, open, { name: "everything", kind: "local", config: { root: "/" } }),
      /local datastore root '\/' is the whole file system: it is never allowed, whatever the allowed roots \(\/\)/,
    );
    await registerDatastore(ctx.db, open, { name: "anywhere", kind: "local", config: { root: outside } });
  });
});
