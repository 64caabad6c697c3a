import { NextResponse } from "next/server";
import type { z } from "zod";
import { formatIssues } from "../contracts/format";
import { AppError, errorMessage, httpStatus, invalid } from "../errors";
import { appContext, type AppContext } from "../server/context";
import { MAX_JSON_BYTES, readTextCapped, checkParsedJson, rejectNulInRequest, requireJson } from "./body";

/**
 * Route handler wrapper: gives the handler the app context, parses a JSON body with a zod schema
 * when one is given, and maps errors to statuses with a clear message ({ error }).
 */
export function route<T>(handler: (ctx: AppContext, req: Request, params: Record<string, string>) => Promise<T>) {
  return async (req: Request, context: { params: Promise<Record<string, string>> }) => {
    try {
      const params = await context.params;
      rejectNulInRequest(req, params);
      const ctx = await appContext();
      const result = await handler(ctx, req, params);
      return result instanceof Response ? result : NextResponse.json(result);
    } catch (error) {
      if (error instanceof AppError) return NextResponse.json({ error: error.message, code: error.code, details: error.details }, { status: httpStatus(error.code) });
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
