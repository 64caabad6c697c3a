/** Browser side of the REST routes: JSON in and out, errors carry the server's message and status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export async function api<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: json !== undefined ? { "content-type": "application/json", ...rest.headers } : rest.headers,
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  const type = res.headers.get("content-type") ?? "";
  const body: unknown = type.includes("application/json") ? await res.json() : await res.text();
  if (!res.ok) {
    const b = body as { error?: string; details?: unknown } | string;
    const message = typeof b === "string" ? b || res.statusText : (b.error ?? res.statusText);
    throw new ApiError(res.status, message, typeof b === "string" ? undefined : b.details);
  }
  return body as T;
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
