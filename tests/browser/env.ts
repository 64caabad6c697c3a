import { fileURLToPath } from "node:url";

/**
 * Where the browser tests' server listens and keeps its data. `npm test` empties the data folder
 * first, so every run starts like a fresh machine: nothing reused from an earlier run.
 */
export const port = Number(process.env.PRS_E2E_PORT ?? 3100);
export const dataDir = process.env.PRS_E2E_DATA ?? fileURLToPath(new URL(`../../.tmp/e2e-${port}`, import.meta.url));
