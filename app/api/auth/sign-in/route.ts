import { checkSignIn } from "@/lib/auth/users";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { clientAddress, signedInResponse } from "@/lib/http/session-response";

export const dynamic = "force-dynamic";

/** Email and password checked (rate limited per email and per client), then a session cookie. */
export const POST = handle(routes.signIn, async (ctx, { body }, req) => signedInResponse(ctx, await checkSignIn(ctx.db, body, clientAddress(req))));
