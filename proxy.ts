import { type NextRequest, NextResponse } from "next/server";
import { guardRequest, refusalResponse, serverGuardConfig } from "@/lib/http/request-guard";
import { newNonce, pageContentSecurityPolicy } from "@/lib/http/security-headers";

/**
 * Before every page: the request guard (Host, same origin) and the page's Content-Security-Policy
 * with a fresh script nonce. API routes are guarded inside `route()` (lib/http/route.ts) instead:
 * a proxy in front of a route makes Next.js copy the request body into memory (truncated past
 * `proxyClientMaxBodySize`), which would break streamed 512 MB model uploads.
 */
export function proxy(request: NextRequest) {
  const verdict = guardRequest({ method: request.method, pathname: request.nextUrl.pathname, headers: request.headers }, serverGuardConfig());
  if (!verdict.allowed) return refusalResponse(verdict);

  const policy = pageContentSecurityPolicy(newNonce(), { dev: process.env.NODE_ENV === "development" });
  // Next.js takes the nonce for the scripts it renders from the request's policy.
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static/|_next/image/|favicon\\.svg$).*)", "/api/openapi.json", "/api/reference"],
};
