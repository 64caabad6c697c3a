import { fileURLToPath } from "node:url";

/**
 * Where the browser tests' server listens and keeps its data. `npm test` empties the data folder
 * first, so every run starts like a fresh machine: nothing reused from an earlier run.
 */
export const port = Number(process.env.PRS_E2E_PORT ?? 3100);
export const dataDir = process.env.PRS_E2E_DATA ?? fileURLToPath(new URL(`../../.tmp/e2e-${port}`, import.meta.url));

/** The admin every browser test is signed in as (tests/browser/global-setup.ts). */
export const BROWSER_ADMIN = { email: "owner@browser.test", name: "Browser Owner", password: "browser-owner-password" };
/** The signed-in session's cookie, written by the global setup. */
export const storageStatePath = `${dataDir}-auth/owner.json`;
