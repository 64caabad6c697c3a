import { defineConfig } from "@playwright/test";
import { dataDir, port, storageStatePath } from "./tests/browser/env";

/**
 * Browser tests drive the real app (web server + worker pool on a fresh data folder) in Debian's
 * Chromium, kept off the network.
 */

export default defineConfig({
  testDir: "tests/browser",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  // Signs in the owner once; every test starts with that session (storageState).
  globalSetup: "./tests/browser/global-setup.ts",
  use: {
    storageState: storageStatePath,
    baseURL: `http://127.0.0.1:${port}`,
    trace: "on-first-retry",
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
      ],
    },
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: !process.env.CI,
    // The large-digits sample (an npm build and 10,000 photos in the background) is left out of browser tests.
    env: { PORT: String(port), HOST: "127.0.0.1", PRS_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", PRS_LARGE_DIGITS_SAMPLE: "off" },
  },
});
