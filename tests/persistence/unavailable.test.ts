import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { createClient } from "@libsql/client";
import { makeTestContext, makeTextFiles, type TestContext } from "../support/context";
import { makeTestUser, withAuth } from "../support/auth";

/**
 * Issue 7 case 6: a database that is truly unavailable (unreachable, or locked by another process
 * for longer than the waits) is answered 503 with Retry-After, never 500; the server recovers as
 * soon as the database does.
 */
type Handler = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const noParams = { params: Promise.resolve({}) };
// An API token that names no user: the 503 comes before anybody is looked up (PostgreSQL down) or
// from the lookup itself; a real token is made once the SQLite database exists.
let auth = { headers: { authorization: "Bearer prs_not-looked-up" } };
const listRuns = async (handler: Handler) => handler(new Request("http://127.0.0.1/api/runs", withAuth(auth)), noParams);
const postDataset = async (handler: Handler, path: string) =>
  handler(
    new Request("http://127.0.0.1/api/datasets", {
      method: "POST",
      headers: { "content-type": "application/json", ...auth.headers },
      body: JSON.stringify({ name: "locked", kind: "file", datastore: "workspace", paths: [path] }),
    }),
    noParams,
  );

describe("the web server when the database is unavailable", () => {
  let ctx: TestContext | undefined;
  after(async () => ctx?.cleanup());

  test("a PostgreSQL server that refuses connections: 503 with Retry-After naming it", async () => {
    process.env.DATABASE_URL = "postgresql://root@127.0.0.1:1/x";
    const runs = (await import("../../app/api/runs/route")) as { GET: Handler };
    const r = await listRuns(runs.GET);
    assert.equal(r.status, 503);
    assert.ok(Number(r.headers.get("retry-after")) > 0);
    assert.match(((await r.json()) as { error: string }).error, /127\.0\.0\.1:1.*refused/);
  });

  test("a SQLite file locked by another process beyond the waits: 503 with Retry-After, then it recovers", { timeout: 120_000 }, async () => {
    ctx = await makeTestContext("sqlite");
    makeTextFiles(ctx, "texts", 2);
    process.env.PRS_DATA_DIR = ctx.env.dataDir;
    process.env.DATABASE_URL = ctx.env.databaseUrl;
    auth = await makeTestUser(ctx.db, "editor");
    const datasets = (await import("../../app/api/datasets/route")) as { POST: Handler };
    assert.equal((await postDataset(datasets.POST, "texts/item-000.txt")).status, 201);

    // Another connection (as another process would) takes the write lock and keeps it.
    const holder = createClient({ url: ctx.env.databaseUrl });
    const tx = await holder.transaction("write");
    try {
      const locked = await postDataset(datasets.POST, "texts/item-001.txt");
      assert.equal(locked.status, 503, await locked.clone().text());
      assert.ok(Number(locked.headers.get("retry-after")) > 0);
      assert.match(((await locked.json()) as { error: string }).error, /database is unavailable/);
    } finally {
      await tx.rollback();
      holder.close();
    }
    const after = await postDataset(datasets.POST, "texts/item-001.txt");
    assert.equal(after.status, 201, await after.clone().text());
    assert.equal(((await after.json()) as { version: number }).version, 2);
  });
});
