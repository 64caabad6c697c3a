import { acceptInvite } from "@/lib/auth/invites";
import { Role } from "@/lib/contracts/auth";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";
import { signedInResponse } from "@/lib/http/session-response";

export const dynamic = "force-dynamic";

/** The invitee (or the owner, through the set-up link) creates their account and is signed in. */
export const POST = handle(routes.acceptInvite, async (ctx, { body }) => {
  const user = await acceptInvite(ctx.db, body);
  ctx.actor = { userId: user.id, email: user.email, name: user.name, role: Role.parse(user.role), via: "session" };
  return signedInResponse(ctx, user, 201);
});
