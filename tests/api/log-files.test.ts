import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline, runPipeline } from "../support/factories";
import { makeTestUser, type TestUser, withAuth } from "../support/auth";

/**
 * Issue 7, cases 12 and 13: the log routes serve only regular files inside the step's log folder
 * (no symbolic link out of it, no folder), and the .tar.gz of a real run's logs extracts with
 * `tar -xzf` and holds every log file, empty ones included, with their mtimes.
 */

type Handler = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

let ctx: TestContext;
let viewer: TestUser;
let runId: string;
let logDir: string;
let stepName: string;
let routes: { list: Handler; content: Handler; archive: Handler };

function regularFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...regularFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

const call = (handler: Handler, path: string) => handler(new Request(`http://test${path}`, withAuth(viewer)), { params: Promise.resolve({ runId }) });
const content = (step: string, path: string) =>
  call(routes.content, `/api/runs/${runId}/logs/content?step=${encodeURIComponent(step)}&path=${encodeURIComponent(path)}`);

describe("log routes", () => {
  before(async () => {
    ctx = await makeItemsContext(12);
    process.env.DATABASE_URL = ctx.env.databaseUrl;
    process.env.PRS_DATA_DIR = ctx.env.dataDir;
    viewer = await makeTestUser(ctx.db, "viewer");
    const script = makeEntryScript(
      ctx,
      "logging.mjs",
      `export function run(batch, ctx) { ctx.logger.info("scored " + batch.length); return batch.map((p) => ({ file: ctx.relativePath(p) })); }`,
    );
    const result = await runPipeline(ctx, makePipeline("logged", script, "items", { config: { process_count_per_node: 2, mini_batch_size: 3 } }));
    assert.equal(result.status, "completed");
    runId = result.run.id;
    stepName = result.step.stepName;
    logDir = join(result.run.runDir, stepName, "logs");
    // What an attacker with write access to the log folder (an entry script) could leave there.
    symlinkSync("/etc/passwd", join(logDir, "passwd.txt"));
    symlinkSync("/etc", join(logDir, "etc-folder"));
    mkdirSync(join(logDir, "extra", "deeper"), { recursive: true });
    writeFileSync(join(logDir, "extra", "deeper", "empty.log"), "");
    // Long, non-ASCII name: needs a PAX header in the archive.
    writeFileSync(join(logDir, "extra", `${"ünïcødé-".repeat(20)}log.txt`), "line one\nline two\n");
    routes = {
      list: (await import("../../app/api/runs/[runId]/logs/route")).GET as Handler,
      content: (await import("../../app/api/runs/[runId]/logs/content/route")).GET as Handler,
      archive: (await import("../../app/api/runs/[runId]/logs/archive/route")).GET as Handler,
    };
  });
  after(async () => ctx?.cleanup());

  test("a symbolic link to /etc/passwd in a run's log folder is neither listed nor served", async () => {
    const listed = (await (await call(routes.list, `/api/runs/${runId}/logs`)).json()) as { files: { step: string; path: string }[] };
    assert.ok(listed.files.length > 0);
    assert.ok(!listed.files.some((f) => f.path.includes("passwd") || f.path.startsWith("etc-folder")), JSON.stringify(listed.files));
    const step = listed.files[0]!.step;
    const res = await content(step, "passwd.txt");
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.doesNotMatch(body, /root:/);
    assert.match(JSON.parse(body).error, /not a regular file inside the step's log folder/);
    const viaFolderLink = await content(step, "etc-folder/passwd");
    assert.ok([400, 404].includes(viaFolderLink.status), `status ${viaFolderLink.status}`);
    assert.doesNotMatch(await viaFolderLink.text(), /root:/);
    for (const path of ["../../../../../../etc/passwd", "/etc/passwd", "a\u0000b"]) {
      const r = await content(step, path);
      assert.equal(r.status, 400, `${JSON.stringify(path)} -> ${r.status}`);
    }
  });

  test("a folder path gives 400 with a message (was a 500 EISDIR)", async () => {
    const listed = (await (await call(routes.list, `/api/runs/${runId}/logs`)).json()) as { files: { step: string }[] };
    const res = await content(listed.files[0]!.step, "extra");
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /'extra' is a folder/);
    const offset = await call(routes.content, `/api/runs/${runId}/logs/content?step=${listed.files[0]!.step}&path=extra/deeper/empty.log&offset=1e308`);
    assert.equal(offset.status, 400);
  });

  test("the archive of a real run extracts with tar -xzf and holds every log file, empty ones included", async () => {
    const res = await call(routes.archive, `/api/runs/${runId}/logs/archive`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/gzip");
    const work = mkdtempSync(join(ctx.env.dataDir, "extract-"));
    const file = join(work, "logs.tar.gz");
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const out = join(work, "out");
    mkdirSync(out);
    const tar = spawnSync("tar", ["-xzf", file, "-C", out], { encoding: "utf8" });
    assert.equal(tar.status, 0, `tar -xzf failed: ${tar.stderr}`);

    const onDisk = regularFiles(logDir)
      .map((p) => relative(logDir, p))
      .sort();
    assert.ok(
      onDisk.some((p) => statSync(join(logDir, p)).size === 0),
      "the run left at least one empty log file (the case that broke the archive)",
    );
    const stepDir = join(out, runId, stepName, "logs");
    const extracted = regularFiles(stepDir)
      .map((p) => relative(stepDir, p))
      .sort();
    assert.deepEqual(extracted, onDisk, "every regular log file, nothing else (no passwd)");
    for (const path of onDisk) {
      assert.deepEqual(readFileSync(join(stepDir, path)), readFileSync(join(logDir, path)), path);
      assert.equal(Math.floor(statSync(join(stepDir, path)).mtimeMs / 1000), Math.floor(statSync(join(logDir, path)).mtimeMs / 1000), `mtime of ${path}`);
    }
    assert.deepEqual(readdirSync(out), [runId]);
  });

  test("an unknown run gives 404 for the list, a file and the archive", async () => {
    const saved = runId;
    runId = "run_doesnotexist";
    try {
      for (const res of [await call(routes.list, "/x"), await content("score-items", "a.log"), await call(routes.archive, "/x")]) assert.equal(res.status, 404);
    } finally {
      runId = saved;
    }
  });
});
