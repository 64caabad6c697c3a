import { ApiError, type ApiClient, createApiClient } from "../../lib/contracts/api/client";
import { errorMessage } from "../../lib/errors";
import { CliFailure, EXIT } from "../exit-codes";
import type { RemoteTarget } from "./config";

/** A server the CLI talks to through the typed client; `fetch` also serves raw routes (downloads, SSE). */
export interface Remote {
  target: RemoteTarget;
  api: ApiClient;
  fetch: typeof fetch;
  /** The Authorization header (never printed). */
  headers: Record<string, string>;
}

/** Why a request never got an answer, in words ("connection refused"). */
function unreachableReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case "ECONNREFUSED":
      return "connection refused (is the studio running?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "no such host";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "the connection timed out";
    default:
      return cause?.message ?? errorMessage(error);
  }
}

/** The server's own sentence from an error answer ({ error } JSON), else its status line. */
async function messageOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === "string") return body.error;
  } catch {
    // not JSON: the status line says enough
  }
  return `${res.status} ${res.statusText}`;
}

/**
 * fetch with the two answers every command treats alike turned into one sentence and an exit
 * code: no answer at all (7), and a refused credential (401: 8; 403: 9).
 */
function guardedFetch(target: RemoteTarget): typeof fetch {
  return async (input, init) => {
    let res: Response;
    try {
      res = await fetch(input, init);
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new CliFailure(`cannot reach the studio at ${target.server}: ${unreachableReason(error)}`, EXIT.unavailable);
    }
    if (res.status === 401) {
      const why = await messageOf(res);
      const how = target.source === "environment" ? "set PRS_TOKEN to a valid token" : `run prs login ${target.server} again`;
      throw new CliFailure(
        target.token
          ? `the studio at ${target.server} refused the token (${why}): it may have been revoked or have expired; ${how}`
          : `the studio at ${target.server} needs a sign-in (${why}): create an API token on your profile page, then ${how}`,
        EXIT.unauthenticated,
      );
    }
    if (res.status === 403) {
      throw new CliFailure(`the studio at ${target.server} refused: ${await messageOf(res)}; ask an admin for that role`, EXIT.forbidden);
    }
    return res;
  };
}

export function connect(target: RemoteTarget): Remote {
  const headers: Record<string, string> = target.token ? { authorization: `Bearer ${target.token}` } : {};
  const guarded = guardedFetch(target);
  return { target, headers, fetch: guarded, api: createApiClient({ baseUrl: target.server, headers, fetch: guarded }) };
}

/** An error answer of the API as the CLI reports it: the server's sentence, the exit code of its kind. */
export function cliFailureOf(error: ApiError): CliFailure {
  const byCode = error.code ? (EXIT as Record<string, number>)[error.code] : undefined;
  const byStatus =
    error.status === 404
      ? EXIT.not_found
      : error.status === 409
        ? EXIT.conflict
        : error.status === 503
          ? EXIT.unavailable
          : error.status >= 400 && error.status < 500
            ? EXIT.invalid_input
            : EXIT.internal;
  return new CliFailure(error.message, byCode ?? byStatus);
}

export { ApiError };
