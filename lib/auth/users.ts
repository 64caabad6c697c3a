import { Role, type SignInRequest, type UpdateUserRequest, type UserJson } from "../contracts/auth";
import type { Db } from "../db/client";
import { conflict, forbidden, invalid, notFound, rateLimited, unauthenticated } from "../errors";
import { newId } from "../ids";
import type { Actor } from "./identity";
import { FailureLimiter } from "./rate-limit";
import { decoyHash, hashPassword, verifyPassword } from "./secrets";

type UserRow = Awaited<ReturnType<Db["user"]["findFirstOrThrow"]>>;

export const userJson = (u: UserRow): UserJson => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: Role.parse(u.role),
  active: u.deactivatedAt === null,
  createdAt: u.createdAt.toISOString(),
});

export async function createUser(db: Db, user: { email: string; name: string; password: string; role: Role }): Promise<UserRow> {
  const email = user.email.trim().toLowerCase();
  if (await db.user.findUnique({ where: { email } })) throw conflict(`A user with the email ${email} exists already: sign in instead`);
  return db.user.create({ data: { id: newId("usr"), email, name: user.name.trim(), role: user.role, passwordHash: await hashPassword(user.password) } });
}

export const countUsers = (db: Db): Promise<number> => db.user.count();

// 5 failures per email, 20 per client address, in 15 minutes.
const byEmail = new FailureLimiter(5, 15 * 60_000);
const byClient = new FailureLimiter(20, 15 * 60_000);

/** The user whose email and password these are; refused alike for a wrong email or password. */
export async function checkSignIn(db: Db, request: SignInRequest, client: string): Promise<UserRow> {
  const wait = Math.max(byEmail.retryAfter(request.email), byClient.retryAfter(client));
  if (wait > 0) throw rateLimited(`Too many failed sign-ins: try again in ${Math.ceil(wait / 60_000)} minute(s)`);
  const user = await db.user.findUnique({ where: { email: request.email } });
  const ok = await verifyPassword(request.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok || user.deactivatedAt) {
    byEmail.fail(request.email);
    byClient.fail(client);
    throw unauthenticated(user?.deactivatedAt && ok ? "This account is deactivated: ask an admin" : "The email or the password is wrong");
  }
  byEmail.clear(request.email);
  return user;
}

export async function listUsers(db: Db): Promise<UserJson[]> {
  return (await db.user.findMany({ orderBy: { createdAt: "asc" } })).map(userJson);
}

/**
 * An admin changes a user's role or (de)activates them. The last active admin cannot be demoted or
 * deactivated: someone must stay able to manage users. Deactivation ends the user's sessions; their
 * tokens stop working while they are deactivated.
 */
export async function updateUser(db: Db, actor: Actor, id: string, change: UpdateUserRequest): Promise<UserJson> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw notFound(`No user ${id}`);
    const losesAdmin = user.role === "admin" && user.deactivatedAt === null && ((change.role && change.role !== "admin") || change.active === false);
    if (losesAdmin) {
      const admins = await tx.user.count({ where: { role: "admin", deactivatedAt: null } });
      if (admins <= 1) throw conflict(`${user.email} is the last active admin: make another user admin first`);
    }
    if (change.active === false && user.id === actor.userId) throw forbidden("You cannot deactivate yourself");
    const updated = await tx.user.update({
      where: { id },
      data: {
        role: change.role ?? user.role,
        deactivatedAt: change.active === undefined ? user.deactivatedAt : change.active ? null : (user.deactivatedAt ?? new Date()),
      },
    });
    if (change.active === false) await tx.session.deleteMany({ where: { userId: id } });
    return userJson(updated);
  });
}

export function roleOrInvalid(value: unknown): Role {
  const parsed = Role.safeParse(value);
  if (!parsed.success) throw invalid(`role must be admin, editor or viewer, got '${String(value).slice(0, 40)}'`);
  return parsed.data;
}
