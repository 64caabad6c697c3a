import { NextResponse } from "next/server";
import { z } from "zod";
import type { ParsedInput, RouteDef, RouteResponse } from "../contracts/api/route-def";
import { formatIssues } from "../contracts/format";
import { AppError, errorMessage, httpStatus, invalid } from "../errors";
import { databaseUnavailable, isDbUnavailable } from "../db/retry";
import { appContext, type AppContext } from "../server/context";
import { MAX_JSON_BYTES, readTextCapped, checkParsedJson, rejectNulInRequest, requireJson } from "./body";
import { auditRoute, authorize, type RequestContext } from "./auth";
import { guardRequest, refusalResponse, serverGuardConfig } from "./request-guard";

/** What a 503 tells clients to wait before trying again. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Route handler wrapper: refuses what the request guard refuses (a foreign Host: 421, a
 * cross-origin change: 403), gives the handler the app context, parses a JSON body with a zod
 * schema when one is given, and maps errors to statuses with a clear message ({ error }).
 */
export function route<T>(handler: (ctx: AppContext, req: Request, params: Record<string, string>) => Promise<T>) {
  return async (req: Request, context?: { params?: Promise<Record<string, string> | undefined> }) => {
    try {
      // API routes are guarded here, not in proxy.ts (see there why).
      const verdict = guardRequest({ method: req.method, pathname: new URL(req.url).pathname, headers: req.headers }, serverGuardConfig());
      if (!verdict.allowed) return refusalResponse(verdict);
      // Next gives routes without dynamic segments no params at all.
      const params = (await context?.params) ?? {};
      rejectNulInRequest(req, params);
      const ctx = await appContext();
      const result = await handler(ctx, req, params);
      return result instanceof Response ? result : NextResponse.json(result);
    } catch (caught) {
      // A database that stays locked or cannot be reached is a 503 the client can retry, not a 500.
      const error = !(caught instanceof AppError) && isDbUnavailable(caught) ? databaseUnavailable(caught) : caught;
      if (error !== caught) console.error(caught);
      if (error instanceof AppError) {
        const status = httpStatus(error.code);
        const headers = status === 503 ? { "Retry-After": String(RETRY_AFTER_SECONDS) } : undefined;
        return NextResponse.json({ error: error.message, code: error.code, details: error.details }, { status, headers });
      }
      console.error(error);
      return NextResponse.json({ error: "Internal error: see the server log" }, { status: 500 });
    }
  };
}

export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  requireJson(req);
  const text = await readTextCapped(req, MAX_JSON_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalid(`The request body is not valid JSON (${errorMessage(error).slice(0, 200)})`);
  }
  checkParsedJson(body);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(`Invalid request: ${formatIssues(parsed.error, body)}`);
  return parsed.data;
}

/**
 * A handler for one entry of the route map (lib/contracts/api/routes.ts): params, query and JSON
 * body are parsed with the entry's schemas before the handler runs (same caps, 415 and NUL refusal
 * as `parseBody`), and a plain result is sent with the entry's status.
 */
export function handle<R extends RouteDef>(
  def: R,
  handler: (ctx: RequestContext, input: ParsedInput<R>, req: Request) => Promise<RouteResponse<R> | Response>,
) {
  return route(async (appCtx, req, params) => {
    // Who is asking comes first: nothing of the request is read for a caller who may not call.
    const ctx: RequestContext = { ...appCtx, actor: await authorize(appCtx, req, def.access) };
    // The casts bridge zod's parse results to the conditional types derived from the same schemas.
    const input = {
      params: def.params ? parseOrInvalid(def.params, params, "The URL is not valid") : {},
      query: def.query ? parseQuery(def.query, req) : {},
      body: def.body ? await parseBody(req, def.body) : undefined,
    } as ParsedInput<R>;
    const result = await handler(ctx, input, req);
    if (def.audit && (!(result instanceof Response) || result.ok))
      await auditRoute(ctx, def, input.params as Record<string, unknown>, result instanceof Response ? undefined : result);
    if (result instanceof Response || (def.status ?? 200) === 200) return result;
    return Response.json(result, { status: def.status });
  });
}

function parseOrInvalid<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(`${what}: ${formatIssues(parsed.error, value)}`);
  return parsed.data;
}

/** The query string (first value of each name), parsed; messages that name their parameter are kept as they are. */
function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const first = new Map<string, string>();
  for (const [name, value] of new URL(req.url).searchParams) if (!first.has(name)) first.set(name, value);
  const query = Object.fromEntries(first);
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "");
    return name && issue.message.includes(name) ? issue.message : formatIssues(new z.ZodError([issue]), query);
  });
  throw invalid([...new Set(messages)].join("; "));
}
