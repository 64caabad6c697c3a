import { createInvite, invitePath, listInvites } from "@/lib/auth/invites";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listInvites, async ({ db }) => ({ invites: await listInvites(db) }));

/** The link is answered once; the studio keeps only the token's hash. */
export const POST = handle(routes.createInvite, async ({ db, actor, env }, { body }, req) => {
  const { invite, token } = await createInvite(db, actor!, body);
  const origin = env.publicOrigin ?? new URL(req.url).origin;
  return { ...invite, token, url: `${origin}${invitePath(token)}` };
});
