import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AppError } from "../../../lib/errors";
import { listDatastores, registerDatastore } from "../../../lib/services/datastores";
import { makeTestContext, type TestContext } from "../../support/context";

/** The registration service itself (not only the API or the form) refuses a local folder it could not read. */
describe("registering a local datastore checks its folder", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeTestContext("sqlite");
    mkdirSync(ctx.workspace, { recursive: true });
  });
  after(() => ctx.cleanup());

  const refusal = async (name: string, root: string) => {
    try {
      await registerDatastore(ctx.db, ctx.access, { name, kind: "local", config: { root } });
    } catch (error) {
      assert.ok(error instanceof AppError, `not an AppError: ${String(error)}`);
      assert.equal(error.code, "invalid_input");
      return error.message;
    }
    assert.fail(`a datastore at '${root}' was registered`);
  };
  const names = async () => (await listDatastores(ctx.db)).map((d) => d.name);

  test("a folder that does not exist is refused, and nothing is stored", async () => {
    const missing = join(ctx.workspace, "not-yet", "images");
    assert.equal(await refusal("missing", missing), `local datastore root '${missing}' does not exist: create the folder first, or correct the path`);
    assert.ok(!(await names()).includes("missing"));
  });

  test("a relative folder is refused with the absolute path asked for", async () => {
    assert.equal(
      await refusal("relative", "data/images"),
      "local datastore root 'data/images' is relative: give the folder's absolute path (for example /srv/data/images)",
    );
    assert.ok(!(await names()).includes("relative"));
  });

  test("a file is refused as not a folder", async () => {
    const file = join(ctx.workspace, "list.txt");
    writeFileSync(file, "a\n");
    assert.equal(await refusal("file", file), `local datastore root '${file}' is a file, not a folder`);
  });

  test("an existing absolute folder is registered", async () => {
    const root = join(ctx.workspace, "images");
    mkdirSync(root);
    const view = await registerDatastore(ctx.db, ctx.access, { name: "images", kind: "local", config: { root } });
    assert.equal(view.config.root, root);
    assert.ok((await names()).includes("images"));
  });
});
