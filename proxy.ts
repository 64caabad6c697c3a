import { type NextRequest, NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/identity";
import { isPublicPage, USER_HEADER, userHeaderValue } from "@/lib/http/page-auth";
import { guardRequest, refusalResponse, serverGuardConfig } from "@/lib/http/request-guard";
import { newNonce, pageContentSecurityPolicy } from "@/lib/http/security-headers";
import { appContext } from "@/lib/server/context";

/**
 * Before every page: the request guard (Host, same origin), sign-in (a page other than sign-in and
 * invite acceptance redirects to /sign-in without a valid session; the OpenAPI document and
 * reference answer 401), and the page's Content-Security-Policy with a fresh script nonce. API
 * routes are guarded and signed in inside `handle()` (lib/http/route.ts) instead: a proxy in front
 * of a route makes Next.js copy the request body into memory (truncated past
 * `proxyClientMaxBodySize`), which would break streamed 512 MB model uploads.
 */
export async function proxy(request: NextRequest) {
  const verdict = guardRequest({ method: request.method, pathname: request.nextUrl.pathname, headers: request.headers }, serverGuardConfig());
  if (!verdict.allowed) return refusalResponse(verdict);

  const headers = new Headers(request.headers);
  headers.delete(USER_HEADER);
  const { pathname, search } = request.nextUrl;
  if (!isPublicPage(pathname)) {
    const { db } = await appContext();
    const identity = await authenticate(db, request.headers);
    if (!identity.actor) {
      if (pathname.startsWith("/api/")) {
        return NextResponse.json(
          { error: identity.problem ?? "Sign in first, or send Authorization: Bearer <API token>", code: "unauthenticated" },
          { status: 401 },
        );
      }
      const signIn = new URL("/sign-in", request.url);
      if (pathname !== "/") signIn.searchParams.set("next", `${pathname}${search}`);
      return NextResponse.redirect(signIn, 303);
    }
    headers.set(USER_HEADER, userHeaderValue(identity.actor));
  }

  const policy = pageContentSecurityPolicy(newNonce(), { dev: process.env.NODE_ENV === "development" });
  // Next.js takes the nonce for the scripts it renders from the request's policy.
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static/|_next/image/|favicon\\.svg$).*)", "/api/openapi.json", "/api/reference"],
};
