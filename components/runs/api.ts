/** Fetch helpers for the run pages: JSON in, JSON out, the server's message as the error. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { "Content-Type": "application/json", ...init?.headers } });
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body as T;
}

export const runUrl = (runId: string, path = "") => `/api/runs/${encodeURIComponent(runId)}${path}`;
