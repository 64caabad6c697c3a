import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeTinyOnnxModel } from "../support/factories";
import { makeTestContext, type TestContext } from "../support/context";
import { makeTestUser, type TestUser, withAuth } from "../support/auth";

/**
 * Issue 7, cases 10 and 11: every body is read with a size cap while it arrives (JSON 1 MB, a
 * model 512 MB streamed to disk, a script folder 50 MB), content types are checked (415), the
 * shared contracts cap field lengths, and numbers in query strings are validated (400, not 500).
 */

type Handler = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Module = Record<string, Handler>;

const MB = 1024 * 1024;
let ctx: TestContext;
let admin: TestUser;
const mod: Record<string, Module> = {};

async function load(path: string): Promise<Module> {
  mod[path] ??= (await import(`../../app/api/${path}/route`)) as Module;
  return mod[path]!;
}

async function send(path: string, method: string, init: RequestInit & { params?: Record<string, string> } = {}) {
  const handler = (await load(path))[method]!;
  const { params = {}, ...rest } = init;
  const res = await handler(new Request(`http://test/api/${path}`, withAuth(admin, { method, duplex: "half", ...rest } as RequestInit)), {
    params: Promise.resolve(params),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as { error?: string } };
}

/** A body of `total` bytes made as it is read (never held whole), counting how much was pulled. */
function generated(prefix: string, total: number, suffix = "") {
  const chunk = new Uint8Array(MB).fill(0x61);
  let sent = 0;
  let head = true;
  const pulled = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (head) {
        head = false;
        return controller.enqueue(new TextEncoder().encode(prefix));
      }
      if (sent >= total) {
        if (suffix) controller.enqueue(new TextEncoder().encode(suffix));
        return controller.close();
      }
      const part = sent + chunk.length <= total ? chunk : chunk.subarray(0, total - sent);
      sent += part.length;
      pulled.bytes = sent;
      controller.enqueue(part);
    },
  });
  return { stream, pulled };
}

const tinyModel = makeTinyOnnxModel;

describe("request size limits and content types", () => {
  before(async () => {
    ctx = await makeTestContext("sqlite");
    process.env.DATABASE_URL = ctx.env.databaseUrl;
    process.env.PRS_DATA_DIR = ctx.env.dataDir;
    admin = await makeTestUser(ctx.db, "admin");
  });
  after(async () => ctx?.cleanup());

  test("a JSON body over 1 MB is refused with 413 while it arrives; a 200 MB datastore root is never stored", async () => {
    const json = { "content-type": "application/json" };
    const big = generated(`{"name":"huge","kind":"local","root":"`, 200 * MB, `"}`);
    const res = await send("datastores", "POST", { headers: json, body: big.stream });
    assert.equal(res.status, 413);
    assert.match(res.body.error!, /larger than 1 MB/);
    assert.ok(big.pulled.bytes < 4 * MB, `read ${big.pulled.bytes} bytes of a 200 MB body before refusing it`);
    const declared = await send("datastores", "POST", { headers: { ...json, "content-length": String(200 * MB) }, body: generated("", 200 * MB).stream });
    assert.equal(declared.status, 413);
    // Under the body limit, the contract's field cap answers.
    const long = await send("datastores", "POST", { headers: json, body: JSON.stringify({ name: "long", kind: "local", root: `/tmp/${"a".repeat(5000)}` }) });
    assert.equal(long.status, 400);
    assert.match(long.body.error!, /root/);
    assert.ok(long.body.error!.length < 1000, "the message does not echo the whole value");
    const list = await send("datastores", "GET");
    assert.deepEqual(
      (list.body as unknown as { datastores: { name: string }[] }).datastores.map((d) => d.name),
      ["workspace"],
    );
  });

  test("a JSON route refuses another content type with 415; invalid JSON is a 400 naming the cause", async () => {
    const wrongType = await send("pipelines", "POST", { headers: { "content-type": "text/plain" }, body: JSON.stringify({ name: "p1" }) });
    assert.equal(wrongType.status, 415);
    assert.match(wrongType.body.error!, /application\/json/);
    const broken = await send("pipelines", "POST", { headers: { "content-type": "application/json" }, body: "{nope" });
    assert.equal(broken.status, 400);
    assert.match(broken.body.error!, /not valid JSON/);
  });

  test("a model upload is streamed to disk: 600 MB is refused with 413 and memory stays flat", async () => {
    const boundary = "----prs-test-boundary";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nbig\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const headers = { "content-type": `multipart/form-data; boundary=${boundary}` };
    // Warm up (modules, parser) so the baseline includes them.
    await send("models", "POST", { headers, body: generated(head, MB, `\r\n--${boundary}--\r\n`).stream });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const upload = generated(head, 600 * MB, `\r\n--${boundary}--\r\n`);
    try {
      const res = await send("models", "POST", { headers, body: upload.stream });
      assert.equal(res.status, 413);
      assert.match(res.body.error!, /larger than 512 MB/);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = (peak - baseline) / MB;
    assert.ok(growth < 64, `RSS grew by ${growth.toFixed(1)} MB while 512 MB were streamed`);
    assert.ok(upload.pulled.bytes <= 514 * MB, `read ${upload.pulled.bytes / MB} MB: reading stops at the limit`);
    assert.deepEqual(readdirSync(join(ctx.env.dataDir, "uploads")), [], "the partial upload is removed");
    const declared = await send("models", "POST", { headers: { ...headers, "content-length": String(600 * MB) }, body: generated(head, 600 * MB).stream });
    assert.equal(declared.status, 413);
  });

  test("the browser's model upload (FormData) still registers the model", async () => {
    const bytes = tinyModel();
    const form = new FormData();
    form.set("name", "tiny");
    form.set("file", new Blob([bytes]), "tiny model.onnx");
    form.set("description", "a Relu");
    form.set("tags", "team=ml\nstage=test");
    const res = await send("models", "POST", { body: form });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const model = res.body as unknown as { name: string; sizeBytes: number; sha256: string; tags: Record<string, string>; description: string };
    assert.equal(model.name, "tiny");
    assert.equal(model.sizeBytes, bytes.length);
    assert.equal(model.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.deepEqual(model.tags, { team: "ml", stage: "test" });
    assert.equal(model.description, "a Relu");
    const json = await send("models", "POST", { headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "x" }) });
    assert.equal(json.status, 415);
    const noFile = new FormData();
    noFile.set("name", "nofile");
    assert.equal((await send("models", "POST", { body: noFile })).status, 400);
    const two = new FormData();
    two.set("name", "two");
    two.append("file", new Blob([bytes]), "a.onnx");
    two.append("file", new Blob([bytes]), "b.onnx");
    assert.equal((await send("models", "POST", { body: two })).status, 413);
  });

  test("a script folder upload keeps relative paths; JSON is 415, traversal 400, too many files 413", async () => {
    const created = await send("pipelines", "POST", { headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "scripted" }) });
    assert.equal(created.status, 201);
    const id = (created.body as unknown as { id: string }).id;
    const form = new FormData();
    form.append("files", new Blob(["export function run(b) { return b; }"]), "my-folder/score.mjs");
    form.append("files", new Blob(["export const x = 1;"]), "my-folder/lib/util.mjs");
    const ok = await send("pipelines/[id]/scripts", "POST", { body: form, params: { id } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const stored = ok.body as unknown as { sourceDirectory: string; files: string[] };
    assert.deepEqual(stored.files, ["lib/util.mjs", "score.mjs"]);
    assert.equal(readFileSync(join(stored.sourceDirectory, "lib/util.mjs"), "utf8"), "export const x = 1;");

    const json = await send("pipelines/[id]/scripts", "POST", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ files: [] }),
      params: { id },
    });
    assert.equal(json.status, 415, "a JSON body was a 500 before");
    const evil = new FormData();
    evil.append("files", new Blob(["x"]), "../../evil.mjs");
    assert.equal((await send("pipelines/[id]/scripts", "POST", { body: evil, params: { id } })).status, 400);
    assert.ok(!existsSync(join(ctx.env.dataDir, "evil.mjs")));
    const many = new FormData();
    for (let i = 0; i < 501; i++) many.append("files", new Blob(["x"]), `f/${i}.mjs`);
    assert.equal((await send("pipelines/[id]/scripts", "POST", { body: many, params: { id } })).status, 413);
    const clash = new FormData();
    clash.append("files", new Blob(["x"]), "f/a");
    clash.append("files", new Blob(["x"]), "f/a/b.mjs");
    assert.equal((await send("pipelines/[id]/scripts", "POST", { body: clash, params: { id } })).status, 400);
  });

  test("numbers in query strings are validated: version=1e308 and 99999999999999999999 are 400, not 500", async () => {
    const created = await send("pipelines", "POST", { headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "versions" }) });
    const id = (created.body as unknown as { id: string }).id;
    const handler = (await load("pipelines/[id]/definition")).GET!;
    for (const version of ["99999999999999999999", "1e308", "-1", "0", "1.5", "NaN", "2147483648"]) {
      const res = await handler(new Request(`http://test/api/pipelines/${id}/definition?version=${version}`, withAuth(admin)), {
        params: Promise.resolve({ id }),
      });
      assert.equal(res.status, 400, `definition?version=${version}`);
    }
    const submission = (await load("runs/submission")).GET!;
    for (const version of ["1e308", "99999999999999999999", "-3", "abc"]) {
      const res = await submission(new Request(`http://test/api/runs/submission?pipeline=versions&version=${version}`, withAuth(admin)), {
        params: Promise.resolve({}),
      });
      assert.equal(res.status, 400, `submission?version=${version}`);
      assert.match(((await res.json()) as { error: string }).error, /version must be a whole number/);
    }
  });
});
