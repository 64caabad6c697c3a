import { createApiToken } from "../../lib/auth/api-tokens";
import type { Actor } from "../../lib/auth/identity";
import { createUser } from "../../lib/auth/users";
import type { Role } from "../../lib/contracts/auth";
import { createDb, type Db } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { defaultDatabaseUrl } from "../../lib/env";

/**
 * Signed-in callers for node tests that talk to the server (in-process route handlers or a real
 * `npm start`): a real user with a role, and a real API token for them, made through the same code
 * the profile page uses. Send `headers` with each request.
 */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  /** An API token with the user's role. */
  token: string;
  headers: { authorization: string };
  actor: Actor;
}

let counter = 0;

export async function makeTestUser(db: Db, role: Role = "admin", options: { email?: string; password?: string } = {}): Promise<TestUser> {
  counter += 1;
  const email = options.email ?? `${role}-${process.pid}-${counter}@test.example`;
  const password = options.password ?? `password-${role}-${counter}`;
  const user = await createUser(db, { email, name: `Test ${role}`, password, role });
  const actor: Actor = { userId: user.id, email, name: user.name, role, via: "session" };
  const { token } = await createApiToken(db, actor, { name: "tests" });
  return { id: user.id, email, password, role, token, headers: { authorization: `Bearer ${token}` }, actor };
}

/** The database of a data folder (the default SQLite file), migrated: for tests that start a server on it. */
export async function dataFolderDb(dataDir: string, databaseUrl = defaultDatabaseUrl(dataDir)): Promise<Db> {
  await migrate(databaseUrl);
  return createDb(databaseUrl);
}

/** An admin of the data folder's studio with a token, made before or while its server runs. */
export async function dataFolderUser(dataDir: string, role: Role = "admin", databaseUrl?: string): Promise<TestUser> {
  const db = await dataFolderDb(dataDir, databaseUrl);
  try {
    return await makeTestUser(db, role);
  } finally {
    await db.$disconnect();
  }
}

/** `init` with the user's Authorization header added (for `new Request(url, withAuth(user, init))`). */
export function withAuth<T extends RequestInit>(user: Pick<TestUser, "headers">, init?: T): T {
  const headers = new Headers(init?.headers);
  headers.set("authorization", user.headers.authorization);
  return { ...(init ?? {}), headers } as T;
}
