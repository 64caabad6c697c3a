import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { test } from "node:test";
import { createApiClient, ApiError } from "../../lib/contracts/api/client";
import { routes } from "../../lib/contracts/api/routes";
import type { RouteDef } from "../../lib/contracts/api/route-def";

/**
 * The route map (lib/contracts/api/routes.ts) and app/api agree: every exported method of every
 * route file is declared, every declaration has its handler, and all of them are in the OpenAPI
 * document, whose reference page renders.
 */

const API = join(import.meta.dirname, "..", "..", "app", "api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const declared: [string, RouteDef][] = Object.entries(routes);

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name === "route.ts" ? [join(dir, e.name)] : [],
  );
}

/** "app/api/runs/[runId]/logs/route.ts" -> "/api/runs/{runId}/logs" */
const mapPathOf = (file: string) => `/api/${relative(API, file).split(sep).slice(0, -1).join("/")}`.replace(/\[(\w+)\]/g, "{$1}");

/** An object schema, or a union of them (a discriminated union becomes oneOf). */
function describesObject(schema: unknown): boolean {
  const s = (schema ?? {}) as { type?: string; oneOf?: unknown[]; anyOf?: unknown[] };
  const alternatives = s.oneOf ?? s.anyOf;
  return s.type === "object" || (Array.isArray(alternatives) && alternatives.length > 0 && alternatives.every(describesObject));
}

async function exportedOperations(): Promise<string[]> {
  const out: string[] = [];
  for (const file of routeFiles(API)) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) if (typeof mod[method] === "function") out.push(`${method} ${mapPathOf(file)}`);
  }
  return out.sort();
}

test("every route file's methods are in the route map, and every map entry has a handler", async () => {
  const files = await exportedOperations();
  const map = declared.map(([, r]) => `${r.method} ${r.path}`).sort();
  assert.ok(files.length >= 36, `found ${files.length} operations under app/api`);
  assert.deepEqual(
    files.filter((op) => !map.includes(op)),
    [],
    "handlers missing from lib/contracts/api/routes.ts",
  );
  assert.deepEqual(
    map.filter((op) => !files.includes(op)),
    [],
    "map entries without a handler under app/api",
  );
  assert.equal(new Set(map).size, map.length, "a method and path declared twice");
});

test("the OpenAPI 3.1 document has every route with its parameters and schemas", async () => {
  const { GET } = await import("../../app/api/openapi.json/route");
  const res = GET();
  assert.equal(res.status, 200);
  const doc = (await res.json()) as { openapi: string; info: { title: string }; paths: Record<string, Record<string, Record<string, unknown>>> };
  assert.match(doc.openapi, /^3\.1\./);
  assert.ok(doc.info.title);
  for (const [name, route] of declared) {
    const op = doc.paths[route.path]?.[route.method.toLowerCase()] as
      | {
          operationId: string;
          parameters: { name: string; in: string; required: boolean }[];
          requestBody?: { content: Record<string, { schema: unknown }> };
          responses: Record<string, { content: Record<string, { schema: unknown }> }>;
        }
      | undefined;
    assert.ok(op, `${route.method} ${route.path} is missing from the document`);
    assert.equal(op.operationId, name);
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    assert.deepEqual(
      op.parameters.filter((p) => p.in === "path").map((p) => p.name),
      pathParams,
      `${name}: path parameters`,
    );
    assert.ok(
      op.parameters.filter((p) => p.in === "path").every((p) => p.required),
      `${name}: path parameters are required`,
    );
    assert.deepEqual(
      op.parameters.filter((p) => p.in === "query").map((p) => p.name),
      Object.keys(route.query?.shape ?? {}),
      `${name}: query parameters`,
    );
    const ok = op.responses[String(route.status ?? 200)];
    assert.ok(ok && Object.keys(ok.content).length > 0, `${name}: success response with a content type`);
    assert.ok(op.responses.default, `${name}: error response`);
    if (route.response) assert.ok(describesObject(ok.content["application/json"]?.schema), `${name}: JSON response schema`);
    if (route.body) assert.ok(describesObject(op.requestBody?.content["application/json"]?.schema), `${name}: JSON request schema`);
    if (route.multipart) assert.ok(op.requestBody?.content["multipart/form-data"], `${name}: multipart request`);
  }
});

test("the API reference page answers HTML naming every operation", async () => {
  const { GET } = await import("../../app/api/reference/route");
  const res = GET();
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  assert.doesNotMatch(html, /<script/i, "the page loads nothing from elsewhere");
  for (const [name] of declared) assert.ok(html.includes(`id="${name}"`), `${name} is on the page`);
});

test("the client builds URLs from the map and throws ApiError with status, message and code", async () => {
  const calls: { url: string; init: RequestInit }[] = [];
  const client = createApiClient({
    baseUrl: "http://server:3000/",
    fetch: async (url, init) => {
      calls.push({ url: String(url), init: init ?? {} });
      return String(url).includes("missing")
        ? Response.json({ error: "Run 'missing' does not exist", code: "not_found" }, { status: 404 })
        : Response.json({ revision: 3, updatedAt: "2026-01-01T00:00:00.000Z" });
    },
  });
  const saved = await client.saveDraft({ params: { id: "pl_1 x" }, body: { canvas: { nodes: [], edges: [] }, expectedRevision: 2 } });
  assert.equal(saved.revision, 3);
  assert.equal(calls[0]?.url, "http://server:3000/api/pipelines/pl_1%20x/draft");
  assert.equal(calls[0]?.init.method, "PUT");
  assert.deepEqual(JSON.parse(String(calls[0]?.init.body)), { canvas: { nodes: [], edges: [] }, expectedRevision: 2 });
  assert.equal(
    client.url("readLog", { params: { runId: "run_1" }, query: { step: "a b", path: "logs/x.txt" } }),
    "http://server:3000/api/runs/run_1/logs/content?step=a+b&path=logs%2Fx.txt",
  );
  await assert.rejects(client.getRun({ params: { runId: "missing" } }), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 404);
    assert.equal(error.code, "not_found");
    assert.equal(error.message, "Run 'missing' does not exist");
    return true;
  });
});
