import assert from "node:assert/strict";
import { join } from "node:path";
import { NextRequest } from "next/server";
import { createApiToken } from "../../lib/auth/api-tokens";
import type { Actor } from "../../lib/auth/identity";
import { Access, roleAtLeast, type Role } from "../../lib/contracts/auth";
import type { RouteDef } from "../../lib/contracts/api/route-def";
import { routes } from "../../lib/contracts/api/routes";
import { makeTestContext, type TestContext } from "../support/context";
import { makeTestUser } from "../support/auth";

/**
 * The role matrix: every route of the route map (so a new route joins by being declared) called by
 * every kind of caller, through the real handlers (and proxy.ts for the routes it serves) on a real
 * database. Callers: anonymous, viewer, editor and admin (API tokens; sessions are the browser
 * tests'), a revoked and an expired token (an admin's: the credential, not the role, is refused).
 * Public routes (sign-in, invite acceptance, health) look nobody up, whatever credential came.
 */

const API = join(import.meta.dirname, "..", "..", "app", "api");
type Handler = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Caller = "anonymous" | Role | "revoked token" | "expired token";
export const CALLERS: Caller[] = ["anonymous", "viewer", "editor", "admin", "revoked token", "expired token"];
/** Routes proxy.ts serves (static documents): enforced there, not in a handler. */
const PROXIED = new Set(["/api/openapi.json", "/api/reference"]);

/** What a caller must get from a route with `access`: a status, or "passes" (anything but 401 and 403). */
export function expected(access: Access, caller: Caller): 401 | 403 | "passes" {
  if (access === "public") return "passes";
  if (caller === "revoked token" || caller === "expired token") return 401;
  if (caller === "anonymous") return 401;
  return roleAtLeast(caller, access) ? "passes" : 403;
}

export interface Matrix {
  ctx: TestContext;
  headers: Record<Caller, Record<string, string>>;
}

export async function setupMatrix(provider: "sqlite" | "postgresql"): Promise<Matrix> {
  const ctx = await makeTestContext(provider);
  // Route handlers take their database from the environment, as the server does.
  process.env.DATABASE_URL = ctx.env.databaseUrl;
  process.env.PRS_DATA_DIR = ctx.env.dataDir;
  const viewer = await makeTestUser(ctx.db, "viewer");
  const editor = await makeTestUser(ctx.db, "editor");
  const admin = await makeTestUser(ctx.db, "admin");
  const revoked = await createApiToken(ctx.db, admin.actor, { name: "revoked" });
  await ctx.db.apiToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
  const expiring = await createApiToken(ctx.db, admin.actor as Actor, { name: "expired", expiresInDays: 1 });
  await ctx.db.apiToken.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    ctx,
    headers: {
      anonymous: {},
      viewer: viewer.headers,
      editor: editor.headers,
      admin: admin.headers,
      "revoked token": bearer(revoked.token),
      "expired token": bearer(expiring.token),
    },
  };
}

function fileOf(route: RouteDef): string {
  return join(
    API,
    ...route.path
      .slice("/api/".length)
      .replace(/\{(\w+)\}/g, "[$1]")
      .split("/"),
    "route.ts",
  );
}

async function call(route: RouteDef, headers: Record<string, string>): Promise<Response> {
  const url = `http://127.0.0.1:3000${route.path.replace(/\{(\w+)\}/g, "x1")}`;
  const init: RequestInit = { method: route.method, headers: { ...headers, ...(route.method === "GET" ? {} : { "content-type": "application/json" }) } };
  if (route.method !== "GET") init.body = "{}";
  if (PROXIED.has(route.path)) {
    const { proxy } = await import("../../proxy");
    const answer = await proxy(new NextRequest(url, init as ConstructorParameters<typeof NextRequest>[1]));
    // Let through: the proxy hands the request on (x-middleware-next); the document itself is static.
    return answer.headers.get("x-middleware-next") ? new Response(null, { status: 200 }) : answer;
  }
  const mod = (await import(fileOf(route))) as Record<string, Handler | undefined>;
  const handler = mod[route.method];
  assert.ok(handler, `${route.method} ${route.path} has no handler in ${fileOf(route)}`);
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, "x1"]));
  return handler(new Request(url, init), { params: Promise.resolve(params) });
}

/** Every route x every caller; returns the cells that differ from the rule, and how many were checked. */
export async function runMatrix(m: Matrix): Promise<{ wrong: string[]; cells: number; publicRoutes: string[] }> {
  const wrong: string[] = [];
  const publicRoutes: string[] = [];
  let cells = 0;
  for (const [name, route] of Object.entries(routes) as [string, RouteDef][]) {
    assert.ok(Access.options.includes(route.access), `route ${name} (${route.method} ${route.path}) declares no access rule`);
    if (route.access === "public") publicRoutes.push(`${route.method} ${route.path}`);
    for (const caller of CALLERS) {
      const res = await call(route, m.headers[caller]);
      const want = expected(route.access, caller);
      const got = res.status;
      cells++;
      const ok = want === "passes" ? got !== 401 && got !== 403 && got < 500 : got === want;
      if (!ok) wrong.push(`${route.method} ${route.path} (${route.access}) as ${caller}: ${got}, expected ${want}: ${(await res.text()).slice(0, 160)}`);
      else await res.body?.cancel();
    }
  }
  return { wrong, cells, publicRoutes };
}
