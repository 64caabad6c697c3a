import type { CurrentUserJson } from "../contracts/auth";
import type { Actor } from "../auth/identity";

/**
 * Pages anybody may open: signing in, and accepting an invite or the owner set-up link. Every
 * other page needs a signed-in user (proxy.ts redirects to /sign-in).
 */
export const PUBLIC_PAGES = ["/sign-in", "/invite"];

export const isPublicPage = (pathname: string): boolean => PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));

/**
 * proxy.ts hands the user it verified to the page in this request header (set only by the proxy:
 * a value sent by the client is removed first), so pages need no second lookup.
 */
export const USER_HEADER = "x-prs-user";

export const userHeaderValue = (actor: Actor): string =>
  encodeURIComponent(JSON.stringify({ id: actor.userId, email: actor.email, name: actor.name, role: actor.role, via: actor.via } satisfies CurrentUserJson));

export function userFromHeader(value: string | null): CurrentUserJson | null {
  if (!value) return null;
  try {
    return JSON.parse(decodeURIComponent(value)) as CurrentUserJson;
  } catch {
    return null;
  }
}

/** Where to come back to after signing in: a path on this site only. */
export function safeNextPath(value: string | null | undefined): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value;
}
