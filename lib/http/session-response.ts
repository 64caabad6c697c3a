import type { CurrentUserJson } from "../contracts/auth";
import { clearedSessionCookie, createSession, secureCookies, sessionCookie } from "../auth/identity";
import type { AppContext } from "../server/context";

type UserRow = { id: string; email: string; name: string; role: string };

/** A new session for `user`, answered as JSON with its cookie (status 200 or 201). */
export async function signedInResponse(ctx: AppContext, user: UserRow, status = 200): Promise<Response> {
  const session = await createSession(ctx.db, user.id);
  const body: { user: CurrentUserJson } = {
    user: { id: user.id, email: user.email, name: user.name, role: user.role as CurrentUserJson["role"], via: "session" },
  };
  const response = Response.json(body, { status });
  response.headers.append("set-cookie", sessionCookie(session.token, session.expiresAt, secureCookies(ctx.env.publicOrigin)));
  response.headers.set("cache-control", "no-store");
  return response;
}

export function signedOutResponse(ctx: AppContext): Response {
  const response = Response.json({ signedOut: true });
  response.headers.append("set-cookie", clearedSessionCookie(secureCookies(ctx.env.publicOrigin)));
  return response;
}

/** The client's address as the server sees it (the first X-Forwarded-For hop behind a proxy). */
export const clientAddress = (req: Request): string => req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "direct";
