import { API_TOKEN_PREFIX, type ApiTokenJson, type CreateApiTokenRequest, Role, roleAtLeast } from "../contracts/auth";
import type { Db } from "../db/client";
import { forbidden, notFound } from "../errors";
import { newId } from "../ids";
import type { Actor } from "./identity";
import { randomSecret, sha256 } from "./secrets";

const DAY_MS = 86_400_000;

type TokenRow = Awaited<ReturnType<Db["apiToken"]["findFirstOrThrow"]>>;

export const apiTokenJson = (t: TokenRow): ApiTokenJson => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: Role.parse(t.role),
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

/**
 * A new API token for the actor's own user: `prs_` and 32 random bytes, returned this once and kept
 * only as its sha256. Its role is at most the role the request has: the user's for a session, the
 * lower of the user's and the token's when a token asks (a viewer token cannot mint an admin one).
 */
export async function createApiToken(db: Db, actor: Actor, request: CreateApiTokenRequest, now = new Date()): Promise<ApiTokenJson & { token: string }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.userId } });
  const ceiling = actor.role;
  const role = request.role ?? ceiling;
  if (!roleAtLeast(ceiling, role)) throw forbidden(`A token cannot have more than your role (${ceiling}); asked for ${role}`);
  const token = `${API_TOKEN_PREFIX}${randomSecret()}`;
  const row = await db.apiToken.create({
    data: {
      id: newId("tok"),
      userId: user.id,
      name: request.name,
      tokenHash: sha256(token),
      prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
      role,
      expiresAt: request.expiresInDays ? new Date(now.getTime() + request.expiresInDays * DAY_MS) : null,
    },
  });
  return { ...apiTokenJson(row), token };
}

export async function listApiTokens(db: Db, actor: Actor): Promise<ApiTokenJson[]> {
  return (await db.apiToken.findMany({ where: { userId: actor.userId }, orderBy: { createdAt: "desc" } })).map(apiTokenJson);
}

/** Revokes one of the actor's own tokens (revoking twice keeps the first time). */
export async function revokeApiToken(db: Db, actor: Actor, id: string): Promise<ApiTokenJson> {
  const row = await db.apiToken.findUnique({ where: { id } });
  if (!row || row.userId !== actor.userId) throw notFound(`You have no API token ${id}`);
  return apiTokenJson(await db.apiToken.update({ where: { id }, data: { revokedAt: row.revokedAt ?? new Date() } }));
}
