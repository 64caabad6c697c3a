import { type RouteDef, type RouteInput, type RouteResponse, routeUrl } from "./route-def";
import { type RouteName, type Routes, routes } from "./routes";

/**
 * The one client of the REST routes, for the browser and the CLI's remote mode: no Node or React
 * imports, `fetch` injectable, a base URL for a server elsewhere. Every call names a route of the
 * map, so its params, query, body and answer are typed from the same schemas the handler parses
 * with. A refused request throws an ApiError with the server's status, message and code.
 */

/** What a route answered when it refused: `code` is the server's ErrorCode ("conflict", ...). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ApiClientOptions {
  /** Origin (and prefix) of the server; "" calls the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Sent with every request (an Authorization header, later). */
  headers?: Record<string, string>;
}

type InputArgs<R extends RouteDef> = object extends RouteInput<R> ? [input?: RouteInput<R>] : [input: RouteInput<R>];

export type ApiClient = {
  [K in RouteName]: (...args: [...InputArgs<Routes[K]>, init?: { signal?: AbortSignal }]) => Promise<RouteResponse<Routes[K]>>;
} & {
  /** The URL of a route (a download link, an EventSource), base URL included. */
  url<K extends RouteName>(name: K, ...args: InputArgs<Routes[K]>): string;
};

interface LooseInput {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  form?: FormData;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const base = (options.baseUrl ?? "").replace(/\/$/, "");
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const urlOf = (route: RouteDef, input: LooseInput = {}) => base + routeUrl(route, input.params, input.query);

  async function call(route: RouteDef, input: LooseInput = {}, init: { signal?: AbortSignal } = {}): Promise<unknown> {
    const headers: Record<string, string> = { ...options.headers };
    let body: BodyInit | undefined;
    if (input.form) body = input.form;
    else if (route.body) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(input.body);
    }
    const res = await doFetch(urlOf(route, input), { method: route.method, headers, body, signal: init.signal });
    if (!res.ok) throw await errorOf(res);
    return route.response ? res.json() : res;
  }

  const client: Record<string, unknown> = { url: (name: RouteName, input?: LooseInput) => urlOf(routes[name], input) };
  for (const [name, route] of Object.entries(routes)) client[name] = (input?: LooseInput, init?: { signal?: AbortSignal }) => call(route, input, init);
  return client as ApiClient;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new ApiError(res.status, text.slice(0, 500) || `${res.status} ${res.statusText}`);
  }
  const b = typeof parsed === "object" && parsed !== null ? (parsed as { error?: unknown; code?: unknown; details?: unknown }) : {};
  const message = typeof b.error === "string" ? b.error : `${res.status} ${res.statusText}`;
  return new ApiError(res.status, message, typeof b.code === "string" ? b.code : undefined, b.details);
}

/** The client for code running in the web app's pages (same origin). */
export const api = createApiClient();

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
