import { type AcceptInviteRequest, type CreateInviteRequest, type InviteJson, Role } from "../contracts/auth";
import type { Db } from "../db/client";
import { conflict, invalid } from "../errors";
import { newId } from "../ids";
import type { Actor } from "./identity";
import { randomSecret, sha256 } from "./secrets";
import { createUser } from "./users";

const DAY_MS = 86_400_000;
/** How long the owner set-up link printed by `npm start` stays valid. */
const OWNER_LINK_HOURS = 24;

type InviteRow = Awaited<ReturnType<Db["invite"]["findFirstOrThrow"]>>;

export const invitePath = (token: string): string => `/invite?token=${encodeURIComponent(token)}`;

function statusOf(invite: InviteRow, now: Date): InviteJson["status"] {
  if (invite.acceptedAt) return "accepted";
  if (invite.revokedAt) return "revoked";
  return invite.expiresAt <= now ? "expired" : "open";
}

export const inviteJson = (invite: InviteRow, now = new Date()): InviteJson => ({
  id: invite.id,
  role: Role.parse(invite.role),
  createdBy: invite.createdBy,
  createdAt: invite.createdAt.toISOString(),
  expiresAt: invite.expiresAt.toISOString(),
  status: statusOf(invite, now),
  acceptedBy: invite.acceptedBy,
});

/** An admin's invite: the token goes into the link, shown once; only its hash is kept. */
export async function createInvite(db: Db, actor: Actor, request: CreateInviteRequest): Promise<{ invite: InviteJson; token: string }> {
  const token = randomSecret();
  const invite = await db.invite.create({
    data: {
      id: newId("inv"),
      tokenHash: sha256(token),
      role: request.role,
      createdBy: actor.email,
      expiresAt: new Date(Date.now() + (request.expiresInDays ?? 7) * DAY_MS),
    },
  });
  return { invite: inviteJson(invite), token };
}

export async function listInvites(db: Db): Promise<InviteJson[]> {
  const now = new Date();
  return (await db.invite.findMany({ where: { owner: false }, orderBy: { createdAt: "desc" }, take: 200 })).map((i) => inviteJson(i, now));
}

export async function revokeInvite(db: Db, id: string): Promise<InviteJson> {
  const invite = await db.invite.findUnique({ where: { id } });
  if (!invite || invite.owner) throw invalid(`No invite ${id}`);
  if (invite.acceptedAt) throw conflict("That invite was accepted already: deactivate the user instead");
  return inviteJson(await db.invite.update({ where: { id }, data: { revokedAt: invite.revokedAt ?? new Date() } }));
}

/**
 * While the studio has no user: a fresh owner set-up link (earlier ones stop working), valid for a
 * day. Once anybody has an account: undefined, and no owner link works any more.
 */
export async function ownerSetupToken(db: Db): Promise<string | undefined> {
  if ((await db.user.count()) > 0) return undefined;
  const token = randomSecret();
  await db.$transaction([
    db.invite.updateMany({ where: { owner: true, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } }),
    db.invite.create({
      data: { id: newId("inv"), tokenHash: sha256(token), role: "admin", owner: true, expiresAt: new Date(Date.now() + OWNER_LINK_HOURS * 3_600_000) },
    }),
  ]);
  return token;
}

/** What the invite page shows before the form is sent; `problem` says why the link does not work. */
export async function describeInvite(db: Db, token: string): Promise<{ role: Role; owner: boolean; problem?: string }> {
  const invite = await db.invite.findUnique({ where: { tokenHash: sha256(token) } });
  if (!invite) return { role: "viewer", owner: false, problem: "This link is not valid: ask an admin for a new invite." };
  return { role: Role.parse(invite.role), owner: invite.owner, problem: await inviteProblem(db, invite) };
}

async function inviteProblem(db: Db, invite: InviteRow): Promise<string | undefined> {
  if (invite.owner && (await db.user.count()) > 0) return "The studio's owner account exists already: sign in instead.";
  if (invite.acceptedAt) return "This invite was used already: sign in instead.";
  if (invite.revokedAt) return invite.owner ? "This set-up link was replaced by a newer one: use the link npm start printed last." : "This invite was revoked.";
  if (invite.expiresAt <= new Date())
    return invite.owner ? "This set-up link expired: restart npm start for a new one." : "This invite expired: ask an admin for a new one.";
  return undefined;
}

/** The invitee picks email, name and password; the link is used up. Owner set-up creates the first admin. */
export async function acceptInvite(db: Db, request: AcceptInviteRequest) {
  const invite = await db.invite.findUnique({ where: { tokenHash: sha256(request.token) } });
  if (!invite) throw invalid("This invite link is not valid: ask an admin for a new one");
  const problem = await inviteProblem(db, invite);
  if (problem) throw conflict(problem);
  // Claim the link first, so two people opening it at once cannot both use it.
  const claimed = await db.invite.updateMany({
    where: { id: invite.id, acceptedAt: null, revokedAt: null },
    data: { acceptedAt: new Date(), acceptedBy: request.email },
  });
  if (claimed.count === 0) throw conflict("This invite was used already: sign in instead");
  try {
    if (invite.owner && (await db.user.count()) > 0) throw conflict("The studio's owner account exists already: sign in instead");
    return await createUser(db, { email: request.email, name: request.name, password: request.password, role: Role.parse(invite.role) });
  } catch (error) {
    await db.invite.update({ where: { id: invite.id }, data: { acceptedAt: null, acceptedBy: null } });
    throw error;
  }
}
