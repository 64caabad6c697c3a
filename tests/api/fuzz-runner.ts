import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { routes } from "../../lib/contracts/api/routes";
import { registerDataset } from "../../lib/services/datasets";
import { makeTestUser } from "../support/auth";
import { makeEntryScript, makeTestContext, makeTextFiles, type TestContext } from "../support/context";
import { makePipeline, makeTinyOnnxModel, runPipeline } from "../support/factories";
import { HUGE, hostileForm, jsonValue, mutate, NUMBERS, pick, queryValue, rawBody, seeded, TRAVERSALS, UNICODE, type Rng } from "./fuzz-payloads";

/**
 * The API fuzzer (issue 7, case 11): every route module under app/api (found by walking the
 * folder, so a new route is fuzzed too) is called in-process with hostile requests against a real
 * database and a real run. Any 5xx, or a stack trace in a response, is a failure reported with
 * the request that caused it. Seeded: the same requests every time.
 */

type Handler = (req: Request, context?: { params?: Promise<Record<string, string> | undefined> }) => Promise<Response>;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const ROOT = join(import.meta.dirname, "..", "..");
const API = join(ROOT, "app", "api");
const PER_ROUTE = Number(process.env.PRS_FUZZ_PER_ROUTE ?? 100);
const SEED = Number(process.env.PRS_FUZZ_SEED ?? 20261207);

interface RouteModule {
  file: string;
  /** "/api/runs/[runId]/logs" */
  pattern: string;
  params: string[];
  queryKeys: string[];
  kind: "json" | "multipart" | "none";
  handlers: Partial<Record<(typeof METHODS)[number], Handler>>;
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name === "route.ts" ? [join(dir, e.name)] : []))
    .sort();
}

async function loadRoutes(): Promise<RouteModule[]> {
  const out: RouteModule[] = [];
  for (const file of routeFiles(API)) {
    const rel = relative(API, file).split(sep).slice(0, -1);
    const pattern = `/api/${rel.join("/")}`;
    const declared = Object.values(routes).filter((r) => r.path === pattern.replace(/\[(\w+)\]/g, "{$1}"));
    const mod = (await import(file)) as Record<string, unknown>;
    const handlers = Object.fromEntries(METHODS.filter((m) => typeof mod[m] === "function").map((m) => [m, mod[m] as Handler]));
    out.push({
      file: relative(ROOT, file),
      pattern,
      params: rel.filter((s) => s.startsWith("[")).map((s) => s.slice(1, -1)),
      // The query parameters the route map declares for this path; plus common ones below.
      queryKeys: [...new Set(declared.flatMap((r) => ("query" in r ? Object.keys(r.query.shape) : [])))],
      kind: declared.some((r) => "multipart" in r) ? "multipart" : declared.some((r) => "body" in r) ? "json" : "none",
      handlers,
    });
  }
  return out;
}

/** Valid bodies the mutations start from, so that fuzzing reaches past the first check. */
function templates(seed: Seed): Record<string, unknown> {
  const canvas = {
    nodes: [
      { id: "n1", type: "dataset", position: { x: 0, y: 0 }, data: { mode: "dataset", dataset: "items" } },
      {
        id: "n2",
        type: "step",
        position: { x: 1, y: 1 },
        data: { name: "score-items", parallelRunConfig: { entry_script: "../../etc/passwd", mini_batch_size: 5 }, arguments: ["--x", 1] },
      },
    ],
    edges: [{ id: "e1", source: "n1", sourceHandle: "data", target: "n2", targetHandle: "inputs" }],
  };
  return {
    "POST /api/datastores": { name: "fuzzstore", kind: "local", root: "/tmp" },
    "POST /api/datasets": { name: "fuzzset", kind: "file", datastore: "workspace", paths: ["items/*.txt"], description: "d" },
    "POST /api/datasets/preview": { kind: "tabular", datastore: "workspace", paths: ["items/"], format: "csv", delimiter: ",", header: true },
    "POST /api/pipelines": { name: "fuzz-pipeline", description: "d", definitionText: JSON.stringify(makePipeline("fuzzdef", "/etc/passwd", "items")) },
    "POST /api/pipelines/import": { text: JSON.stringify(makePipeline("fuzzdef", "score.mjs", "items")), format: "json" },
    "PATCH /api/pipelines/[id]": { name: "renamed", description: "d" },
    "PUT /api/pipelines/[id]/draft": { canvas, expectedRevision: 0, description: "d" },
    "POST /api/pipelines/[id]/duplicate": { name: "copy" },
    "POST /api/pipelines/[id]/publish": { expectedRevision: 0 },
    "POST /api/pipelines/[id]/submit": { experiment: "e", parameters: { p: "datastore://workspace/items" }, regenerateOutputs: true },
    "POST /api/runs": { pipeline: seed.pipelineName, experiment: "fuzz", parameters: { batch: 1 } },
  };
}

export interface Seed {
  runId: string;
  pipelineId: string;
  pipelineName: string;
  model: Uint8Array<ArrayBuffer>;
  /** Real step names, log paths (files and folders), columns by query key: values that lead past the first lookup. */
  realQuery: Record<string, string[]>;
  publishedId: string;
  /** An admin's Authorization header: every request is signed in, so the fuzzing reaches the handlers. */
  authorization: string;
}

function paramValue(rng: Rng, name: string, seed: Seed): string {
  const real: Record<string, string[]> = { runId: [seed.runId], id: [seed.pipelineId, seed.publishedId], name: ["workspace", "items", "tiny", "nope"] };
  const r = rng();
  if (r < 0.5 && real[name]) return pick(rng, real[name]!);
  if (r < 0.7) return pick(rng, TRAVERSALS);
  if (r < 0.9) return pick(rng, UNICODE);
  return rng() < 0.5 ? HUGE.q : String(pick(rng, ["0", "-1", "1e308", "run_x", "pl_x"]));
}

const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

const NUMERIC_QUERY = new Set(["version", "offset", "rows", "take", "limit"]);
const COMMON_QUERY = ["version", "offset", "rows", "step", "path", "column", "format", "download", "take", "search", "pipeline", "experiment", "status"];

function url(rng: Rng, route: RouteModule, params: Record<string, string>, real: Record<string, string[]> = {}): string {
  let path = route.pattern;
  for (const [k, v] of Object.entries(params)) path = path.replace(`[${k}]`, encodeURIComponent(v));
  const q = new URLSearchParams();
  const value = (key: string) => {
    if (NUMERIC_QUERY.has(key) && rng() < 0.6) return pick(rng, NUMBERS);
    if (real[key] && rng() < 0.5) return pick(rng, real[key]!);
    return queryValue(rng);
  };
  for (const key of route.queryKeys) if (rng() < 0.6) q.set(key, value(key));
  const extra = Math.floor(rng() * 3);
  for (let i = 0; i < extra; i++) {
    const key = pick(rng, COMMON_QUERY);
    q.set(key, value(key));
  }
  const text = q.toString();
  return `http://127.0.0.1${path}${text ? `?${text}` : ""}`;
}

interface Case {
  method: string;
  url: string;
  label: string;
  init: RequestInit;
}

function makeCase(rng: Rng, route: RouteModule, method: string, seed: Seed): { params: Record<string, string>; c: Case } {
  // DELETE keeps the seeded run and pipeline: real ids only in the last rounds (see below).
  // A path segment arrives decoded from UTF-8: never a lone surrogate.
  const params = Object.fromEntries(route.params.map((p) => [p, wellFormed(paramValue(rng, p, seed))]));
  const template = templates(seed)[`${method} ${route.pattern}`];
  const boundary = "----fuzz";
  let init: RequestInit = { method };
  let label = "no body";
  if (method !== "GET" && method !== "DELETE") {
    const r = rng();
    if (route.kind === "multipart" && r < 0.6) {
      init = { method, body: hostileForm(rng, seed.model) };
      label = "hostile multipart";
    } else if (r < 0.75 && route.kind !== "multipart") {
      const body = template !== undefined ? mutate(rng, template) : jsonValue(rng);
      init = { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
      label = `JSON ${JSON.stringify(body).slice(0, 300)}`;
    } else {
      const raw = rawBody(rng, boundary);
      init = { method, body: raw.body, headers: raw.contentType ? { "content-type": raw.contentType } : {} };
      label = raw.label;
    }
  }
  return { params, c: { method, url: url(rng, route, params, seed.realQuery), label, init } };
}

/** At most 64 KB of the body, within 5 s (event streams never end by themselves). */
async function readSome(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = Date.now() + 5000;
  while (size < 64 * 1024 && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), new Promise<"late">((r) => setTimeout(() => r("late"), Math.max(1, deadline - Date.now())).unref())]);
    if (next === "late" || next.done) break;
    chunks.push(next.value);
    size += next.value.byteLength;
    if ((res.headers.get("content-type") ?? "").includes("event-stream")) break;
  }
  await reader.cancel().catch((error: unknown) => assert.fail(`cancelling the response body failed: ${String(error)}`));
  return Buffer.concat(chunks).toString("utf8");
}

const STACK = /^\s{2,}at\s.+[/\\].+:\d+|Error:.{0,200}?(\/[\w.@-]+){2,}\.(ts|js|mjs)/m;

/**
 * A real database of `provider` with a finished run, a published and a draft pipeline, and the
 * environment the route modules read (set before any of them is imported).
 */
export async function setupFuzz(provider: "sqlite" | "postgresql"): Promise<{ ctx: TestContext; seed: Seed }> {
  const ctx = await makeTestContext(provider);
  process.env.DATABASE_URL = ctx.env.databaseUrl;
  process.env.PRS_DATA_DIR = ctx.env.dataDir;
  makeTextFiles(ctx, "items", 8);
  await registerDataset(ctx.db, ctx.access, { name: "items", kind: "file", datastore: "workspace", paths: ["items/"] });
  const script = makeEntryScript(ctx, "fuzz.mjs", `export function run(batch, ctx) { return batch.map((p) => ({ file: ctx.relativePath(p), label: "a" })); }`);
  const result = await runPipeline(ctx, makePipeline("fuzz-target", script, "items", { config: { process_count_per_node: 1 } }));
  const model = makeTinyOnnxModel();
  const { createPipelineDraft } = await import("../../lib/services/drafts");
  const draft = await createPipelineDraft(ctx.db, { name: "fuzz-draft" });
  const { listLogFiles } = await import("../../lib/services/run-logs");
  const logs = (await listLogFiles(ctx.db, result.run.id)).map((f) => f.path);
  const admin = await makeTestUser(ctx.db, "admin");
  const seed: Seed = {
    authorization: admin.headers.authorization,
    runId: result.run.id,
    pipelineId: draft.id,
    pipelineName: "fuzz-target",
    model,
    publishedId: result.run.pipelineId,
    realQuery: { step: [result.step.stepName], pipeline: ["fuzz-target"], column: ["file", "label"], path: [...logs, ...new Set(logs.map((p) => dirname(p)))] },
  };
  return { ctx, seed };
}

/** The request with the admin's credentials, unless the case sends an Authorization header of its own. */
function signedIn(req: Request, authorization: string): Request {
  if (!req.headers.has("authorization")) req.headers.set("authorization", authorization);
  return req;
}

/** Sends PER_ROUTE hostile requests to every route/method pair; returns the failures. */
export async function fuzzAllRoutes(seed: Seed): Promise<{ failures: string[]; requests: number; pairs: number }> {
  const routes = await loadRoutes();
  const pairs = routes.flatMap((r) => Object.keys(r.handlers).map((m) => ({ route: r, method: m })));
  assert.ok(pairs.length >= 34, `found ${pairs.length} route/method pairs under app/api`);
  const rng = seeded(SEED);
  const failures: string[] = [];
  const statuses = new Map<string, Record<number, number>>();
  let requests = 0;
  const send = async (route: RouteModule, method: string, params: Record<string, string>, c: Case) => {
    requests++;
    let status: number;
    let text: string;
    try {
      const res = await route.handlers[method as (typeof METHODS)[number]]!(
        signedIn(new Request(c.url, { ...c.init, duplex: "half" } as RequestInit), seed.authorization),
        route.params.length ? { params: Promise.resolve(params) } : undefined,
      );
      status = res.status;
      text = (res.headers.get("content-type") ?? "").includes("gzip") ? "" : await readSome(res);
    } catch (error) {
      status = 599;
      text = `handler threw: ${(error as Error).stack ?? String(error)}`;
    }
    const counts = statuses.get(`${method} ${route.pattern}`) ?? {};
    counts[status] = (counts[status] ?? 0) + 1;
    statuses.set(`${method} ${route.pattern}`, counts);
    if (status >= 500 || STACK.test(text)) failures.push(`${c.method} ${c.url.slice(0, 300)} [${c.label.slice(0, 300)}] -> ${status} ${text.slice(0, 400)}`);
  };
  const errorLog = console.error;
  console.error = () => {}; // 500s are reported below with their request; the server log line is noise here.
  try {
    for (const { route, method } of pairs) {
      for (let i = 0; i < PER_ROUTE; i++) {
        const { params, c } = makeCase(rng, route, method, seed);
        // Deleting the seeded run or pipeline now would leave the rest of the fuzzing shallow: last pass.
        if (method === "DELETE" && (params.runId === seed.runId || params.id === seed.pipelineId || params.id === seed.publishedId)) continue;
        await send(route, method, params, c);
      }
    }
    for (const { route, method } of pairs.filter((p) => p.method === "DELETE")) {
      const params = Object.fromEntries(route.params.map((p) => [p, paramValue(() => 0, p, seed)]));
      await send(route, method, params, { method, url: url(() => 0.99, route, params), label: "real ids", init: { method } });
    }
  } finally {
    console.error = errorLog;
  }
  if (process.env.PRS_FUZZ_REPORT) {
    for (const [key, counts] of statuses) console.log(key, JSON.stringify(counts));
    for (const failure of failures) console.log("FAILED", failure.slice(0, 600));
  }
  assert.ok(requests > pairs.length * PER_ROUTE * 0.9, `${requests} requests sent`);
  return { failures, requests, pairs: pairs.length };
}
