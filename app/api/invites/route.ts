import { createInvite, invitePath, listInvites } from "@/lib/auth/invites";
import { routes } from "@/lib/contracts/api/routes";
import { handle } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = handle(routes.listInvites, async ({ db }) => ({ invites: await listInvites(db) }));

/** The link is answered once; the studio keeps only the token's hash. */
export const POST = handle(routes.createInvite, async ({ db, actor, env }, { body }, req) => {
  const { invite, token } = await createInvite(db, actor!, body);
  // The Host the admin used (already checked by the request guard): Next reports req.url with
  // "localhost" for 127.0.0.1, and a link on another host would not carry the invitee's cookie back.
  const host = req.headers.get("host");
  const origin = env.publicOrigin ?? (host ? `${new URL(req.url).protocol}//${host}` : new URL(req.url).origin);
  return { ...invite, token, url: `${origin}${invitePath(token)}` };
});
