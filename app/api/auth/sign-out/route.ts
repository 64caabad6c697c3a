import { cookieValue, endSession } from "@/lib/auth/identity";
import { SESSION_COOKIE } from "@/lib/contracts/auth";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { signedOutResponse } from "@/lib/http/session-response";

export const dynamic = "force-dynamic";

export const POST = handle(routes.signOut, async (ctx, _input, req) => {
  const token = cookieValue(req.headers.get("cookie"), SESSION_COOKIE);
  if (token) await endSession(ctx.db, token);
  return signedOutResponse(ctx);
});
