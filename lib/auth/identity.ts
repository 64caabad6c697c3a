import { API_TOKEN_PREFIX, lowerRole, Role, SESSION_COOKIE } from "../contracts/auth";
import type { Db } from "../db/client";
import { randomSecret, sha256 } from "./secrets";

/** The signed-in person a request acts for. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  /** The role this request has: the user's, or the lower of the user's and the token's. */
  role: Role;
  via: "session" | "token";
  tokenId?: string;
}

/** Who a request is, or why it is nobody: `problem` names what was wrong with the credential sent. */
export type Identity = { actor: Actor; problem?: undefined } | { actor: null; problem?: string };

export const SESSION_DAYS = 14;
const DAY_MS = 86_400_000;
/** lastUsedAt is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The one check of a request's credentials, used by API routes, pages and the CLI's server mode:
 * `Authorization: Bearer prs_…` (an API token) if the header is there, else the session cookie.
 * A bearer header that is wrong never falls back to the cookie.
 */
export async function authenticate(db: Db, headers: Headers): Promise<Identity> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) return { actor: null, problem: "The Authorization header must be 'Bearer <API token>'" };
    return verifyApiToken(db, match[1]);
  }
  const session = cookieValue(headers.get("cookie"), SESSION_COOKIE);
  return session ? verifySession(db, session) : { actor: null };
}

/** An API token as sent by a script or the CLI. */
export async function verifyApiToken(db: Db, token: string, now = new Date()): Promise<Identity> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return { actor: null, problem: `That is not an API token of this studio (they start with ${API_TOKEN_PREFIX})` };
  const row = await db.apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  if (!row) return { actor: null, problem: "The API token is not known: create one on your profile page" };
  if (row.revokedAt) return { actor: null, problem: `The API token '${row.name}' was revoked` };
  if (row.expiresAt && row.expiresAt <= now) return { actor: null, problem: `The API token '${row.name}' expired on ${row.expiresAt.toISOString()}` };
  if (row.user.deactivatedAt) return { actor: null, problem: "The API token's user is deactivated" };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const role = lowerRole(Role.parse(row.user.role), Role.parse(row.role));
  return { actor: { userId: row.user.id, email: row.user.email, name: row.user.name, role, via: "token", tokenId: row.id } };
}

export async function verifySession(db: Db, token: string, now = new Date()): Promise<Identity> {
  const row = await db.session.findUnique({ where: { id: sha256(token) }, include: { user: true } });
  if (!row || row.expiresAt <= now || row.user.deactivatedAt) return { actor: null, problem: "Your session has ended: sign in again" };
  const { user } = row;
  return { actor: { userId: user.id, email: user.email, name: user.name, role: Role.parse(user.role), via: "session" } };
}

/** A new session for a user who proved who they are; the returned token goes into the cookie only. */
export async function createSession(db: Db, userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomSecret();
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS);
  await db.session.create({ data: { id: sha256(token), userId, expiresAt } });
  // Ended sessions are cleared now and then rather than by a timer.
  await db.session.deleteMany({ where: { userId, expiresAt: { lt: now } } });
  return { token, expiresAt };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sha256(token) } });
}

/** The session cookie of a request (pages read it through `cookies()`, routes from the header). */
export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === "" ? undefined : value;
    }
  }
  return undefined;
}

/**
 * Set-Cookie for a session: HttpOnly (scripts never see it), SameSite=Lax (other sites' requests
 * do not carry it, except top-level navigations), Secure when the studio is served over https.
 */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const parts = [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Expires=${expiresAt.toUTCString()}`];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", new Date(0), secure);
}

/** Whether cookies must be Secure: the studio's public address is https. */
export const secureCookies = (publicOrigin: string | undefined): boolean => publicOrigin?.startsWith("https:") ?? false;
