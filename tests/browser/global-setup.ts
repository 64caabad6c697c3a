import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { request } from "@playwright/test";
import { dataFolderDb } from "../support/auth";
import { createUser } from "../../lib/auth/users";
import { BROWSER_ADMIN, dataDir, port, storageStatePath } from "./env";

/**
 * Every browser test runs signed in: the owner (an admin) is created in the test server's data
 * folder if missing, signs in through the real sign-in route, and the session cookie is kept as
 * the storage state every test starts with (playwright.config.ts `use.storageState`). The owner
 * set-up through the printed link has its own test (auth.spec.ts).
 */
export default async function globalSetup() {
  const db = await dataFolderDb(dataDir);
  try {
    if (!(await db.user.findUnique({ where: { email: BROWSER_ADMIN.email } }))) await createUser(db, { ...BROWSER_ADMIN, role: "admin" });
  } finally {
    await db.$disconnect();
  }
  const api = await request.newContext({ baseURL: `http://127.0.0.1:${port}` });
  const res = await api.post("/api/auth/sign-in", { data: { email: BROWSER_ADMIN.email, password: BROWSER_ADMIN.password } });
  if (!res.ok()) throw new Error(`Signing in the browser tests' admin failed: ${res.status()} ${await res.text()}`);
  mkdirSync(dirname(storageStatePath), { recursive: true });
  await api.storageState({ path: storageStatePath });
  await api.dispose();
}
