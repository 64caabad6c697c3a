import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeTestContext, type TestContext } from "../support/context";
import { makeTestUser, type TestUser } from "../support/auth";

/**
 * Issue 9, item 5, at the route handlers (the server's own path for /api: proxy.ts guards pages).
 * Every route module under app/api (found by walking the folder, so a new route is covered too)
 * refuses a cross-origin change with 403 and a foreign Host with 421, before it touches anything.
 */

type Handler = (req: Request, context?: { params?: Promise<Record<string, string> | undefined> }) => Promise<Response>;
const API = join(import.meta.dirname, "..", "..", "app", "api");
const CHANGING = ["POST", "PUT", "PATCH", "DELETE"] as const;
/** Static documents built at build time: not route handlers that run per request. */
const STATIC = new Set(["/api/openapi.json", "/api/reference"]);

interface RouteModule {
  path: string;
  params: Record<string, string>;
  handlers: Record<string, Handler>;
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name === "route.ts" ? [join(dir, e.name)] : [],
  );
}

async function loadRoutes(): Promise<RouteModule[]> {
  const modules: RouteModule[] = [];
  for (const file of routeFiles(API).sort()) {
    const segments = relative(API, file).split(sep).slice(0, -1);
    const params = Object.fromEntries(segments.filter((s) => s.startsWith("[")).map((s) => [s.slice(1, -1), "x1"]));
    const path = `/api/${segments.map((s) => (s.startsWith("[") ? "x1" : s)).join("/")}`.replace(/\/$/, "");
    const mod = (await import(file)) as Record<string, unknown>;
    const handlers = Object.fromEntries(Object.entries(mod).filter(([name, value]) => /^[A-Z]+$/.test(name) && typeof value === "function")) as Record<
      string,
      Handler
    >;
    modules.push({ path, params, handlers });
  }
  return modules;
}

const call = (route: RouteModule, method: string, init: RequestInit) =>
  route.handlers[method]!(new Request(`http://127.0.0.1:3000${route.path}`, { method, ...init }), { params: Promise.resolve(route.params) });

let ctx: TestContext;
let admin: TestUser;
let routes: RouteModule[];

before(async () => {
  ctx = await makeTestContext("sqlite");
  process.env.DATABASE_URL = ctx.env.databaseUrl;
  process.env.PRS_DATA_DIR = ctx.env.dataDir;
  admin = await makeTestUser(ctx.db, "admin");
  routes = await loadRoutes();
});
after(() => ctx.cleanup());

describe("every API route handler", () => {
  test("a cross-origin text/plain POST (any change) from another site's page is 403 with a JSON message", async () => {
    let checked = 0;
    for (const route of routes) {
      for (const method of CHANGING.filter((m) => route.handlers[m])) {
        const res = await call(route, method, { headers: { origin: "http://evil.example", "content-type": "text/plain" }, body: "{}" });
        assert.equal(res.status, 403, `${method} ${route.path}`);
        assert.match(((await res.json()) as { error: string }).error, /another site \(Origin http:\/\/evil\.example\)/);
        checked++;
      }
    }
    assert.ok(checked >= 10, `only ${checked} state-changing handlers found`);
  });

  test("an HTML form POST marked cross-site by the browser is 403 even where Origin is left out", async () => {
    for (const route of routes) {
      for (const method of CHANGING.filter((m) => route.handlers[m])) {
        const res = await call(route, method, {
          headers: { "sec-fetch-site": "cross-site", "content-type": "application/x-www-form-urlencoded" },
          body: "name=x&kind=local&root=/",
        });
        assert.equal(res.status, 403, `${method} ${route.path}`);
      }
    }
  });

  test("any request naming a foreign Host (DNS rebinding) is 421, health excepted", async () => {
    for (const route of routes.filter((r) => !STATIC.has(r.path))) {
      for (const method of Object.keys(route.handlers)) {
        const res = await call(route, method, { headers: { host: "evil.example:3000" } });
        assert.equal(res.status, route.path === "/api/health" ? 200 : 421, `${method} ${route.path}`);
      }
    }
  });
});

describe("the attack of the issue: a local datastore at / registered from another site", () => {
  const datastores = () => routes.find((r) => r.path === "/api/datastores")!;
  const body = JSON.stringify({ name: "rootfs", kind: "local", root: "/" });

  test("refused twice over: 403 for the origin, and 415 for the content type without one", async () => {
    const crossOrigin = await call(datastores(), "POST", {
      headers: { host: "127.0.0.1:3000", origin: "http://evil.example", "content-type": "text/plain" },
      body,
    });
    assert.equal(crossOrigin.status, 403);
    // Without credentials nobody gets further; an admin's script still has to send JSON.
    const anonymous = await call(datastores(), "POST", { headers: { host: "127.0.0.1:3000", "content-type": "text/plain" }, body });
    assert.equal(anonymous.status, 401);
    const plain = await call(datastores(), "POST", { headers: { host: "127.0.0.1:3000", "content-type": "text/plain", ...admin.headers }, body });
    assert.equal(plain.status, 415);
    const listed = (await (await call(datastores(), "GET", { headers: admin.headers })).json()) as { datastores: { name: string }[] };
    assert.deepEqual(
      listed.datastores.map((d) => d.name),
      ["workspace"],
    );
  });

  test("the studio's own page, same origin, is let through to the route's own checks", async () => {
    const res = await call(datastores(), "POST", {
      headers: {
        host: "127.0.0.1:3000",
        origin: "http://127.0.0.1:3000",
        "sec-fetch-site": "same-origin",
        "content-type": "application/json",
        ...admin.headers,
      },
      body: JSON.stringify({ name: "nested", kind: "local", root: join(ctx.env.dataDir, "nested") }),
    });
    assert.ok(![403, 421].includes(res.status) && res.status < 500, `status ${res.status}`);
  });
});
