import { NextResponse } from "next/server";
import type { z } from "zod";
import { formatIssues } from "../contracts/format";
import { AppError, errorMessage, httpStatus, invalid } from "../errors";
import { databaseUnavailable, isDbUnavailable } from "../db/retry";
import { appContext, type AppContext } from "../server/context";
import { MAX_JSON_BYTES, readTextCapped, checkParsedJson, rejectNulInRequest, requireJson } from "./body";

/** What a 503 tells clients to wait before trying again. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Route handler wrapper: gives the handler the app context, parses a JSON body with a zod schema
 * when one is given, and maps errors to statuses with a clear message ({ error }).
 */
export function route<T>(handler: (ctx: AppContext, req: Request, params: Record<string, string>) => Promise<T>) {
  return async (req: Request, context?: { params?: Promise<Record<string, string> | undefined> }) => {
    try {
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
