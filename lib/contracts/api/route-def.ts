import type { z } from "zod";
import type { Access } from "../auth";

/**
 * The shape of one REST route, declared once in `routes.ts` and read by three parties: the route
 * handler (which parses params, query and body with these schemas), the typed client (which builds
 * the URL and types the answer) and the OpenAPI generator.
 *
 * Response schemas describe the JSON as it travels (timestamps are ISO strings): handlers return
 * that shape, and the client types its answers with it without parsing them again.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A non-JSON answer (a download or a stream): the client hands back the raw Response. */
export interface RawResponse {
  contentTypes: readonly string[];
  description: string;
}

/** A multipart/form-data body: read by the handler with its size caps, documented here. */
export interface MultipartBody {
  fields: z.ZodObject;
  /** Form fields that carry files, and how many each takes. */
  files: Readonly<Record<string, "one" | "many">>;
}

export interface RouteDef {
  method: HttpMethod;
  /** OpenAPI style: "/api/runs/{runId}/logs". */
  path: `/api/${string}`;
  summary: string;
  /**
   * Who may call it, enforced by `handle()` before anything else: `public` (anybody), or the
   * lowest role that may (viewer < editor < admin). 401 without credentials, 403 below the role.
   */
  access: Access;
  /** Recorded in the audit log with who did it, when it succeeds ("run.submit"). */
  audit?: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  multipart?: MultipartBody;
  /** The JSON answer; absent when `raw` says what comes instead. */
  response?: z.ZodType;
  raw?: RawResponse;
  /** Success status (200 unless said). */
  status?: 200 | 201;
}

export const defineRoute = <const R extends RouteDef>(route: R): R => route;

type Field<R, K extends keyof RouteDef> = R extends { [P in K]: infer S } ? S : undefined;

/** What a caller passes: path params, query, JSON body or form, each only where the route has one. */
export type RouteInput<R extends RouteDef> = (Field<R, "params"> extends z.ZodType ? { params: z.input<Field<R, "params">> } : { params?: undefined }) &
  (Field<R, "query"> extends z.ZodType ? { query?: z.input<Field<R, "query">> } : { query?: undefined }) &
  (Field<R, "body"> extends z.ZodType ? { body: z.input<Field<R, "body">> } : { body?: undefined }) &
  (Field<R, "multipart"> extends MultipartBody ? { form: FormData } : { form?: undefined });

/** What a handler returns and the client receives: the JSON answer, or the raw Response of a download. */
export type RouteResponse<R extends RouteDef> = Field<R, "response"> extends z.ZodType ? z.infer<Field<R, "response">> : Response;

/** What a handler receives, parsed. */
export interface ParsedInput<R extends RouteDef> {
  params: Field<R, "params"> extends z.ZodType ? z.output<Field<R, "params">> : Record<string, never>;
  query: Field<R, "query"> extends z.ZodType ? z.output<Field<R, "query">> : Record<string, never>;
  body: Field<R, "body"> extends z.ZodType ? z.output<Field<R, "body">> : undefined;
}

type Primitive = string | number | boolean;

/** "/api/runs/{runId}/logs" with params filled in (encoded) and the query appended. */
export function routeUrl(route: RouteDef, params: Record<string, Primitive> = {}, query: Record<string, Primitive | null | undefined> = {}): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.method} ${route.path} needs the path parameter '${name}'`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
