// `npm start`: everything a fresh clone needs, then the web server and the worker pool together,
// bound to 127.0.0.1. Steps already done (clients generated, sample ready, app built) are skipped.
// Bound to another address, PRS_PUBLIC_URL and a secret key are required (checked before anything).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";
import { POOL_ENV, poolCommand } from "./pool-command.mjs";
import { supervise } from "./supervise.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", HOST: process.env.HOST ?? "127.0.0.1", PORT: process.env.PORT ?? "3000" };

/** The exposure rule (lib/server/exposure.ts); a broken one is one sentence and exit 6, like every configuration error. */
async function checkExposureOrExit() {
  const unregister = register();
  const { loadEnv } = await import("../lib/env.ts");
  const { checkExposure } = await import("../lib/server/exposure.ts");
  unregister();
  try {
    return checkExposure(loadEnv(env));
  } catch (error) {
    if (error?.code !== "configuration") throw error;
    console.error(`npm start: ${error.message}`);
    process.exit(6);
  }
}

/**
 * While the studio has no account: a fresh one-time owner set-up link (as Jupyter prints its token
 * link). The first visit creates the admin account; then no set-up link works any more.
 */
async function ownerSetupLink(origin) {
  const unregister = register();
  const { loadEnv } = await import("../lib/env.ts");
  const { createDb } = await import("../lib/db/client.ts");
  const { invitePath, ownerSetupToken } = await import("../lib/auth/invites.ts");
  unregister();
  const db = await createDb(loadEnv(env).databaseUrl);
  try {
    const token = await ownerSetupToken(db);
    return token ? `${origin}${invitePath(token)}` : undefined;
  } finally {
    await db.$disconnect();
  }
}

function step(title, command, args) {
  console.log(`> ${title}`);
  const r = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else newest = Math.max(newest, statSync(join(root, path)).mtimeMs);
  }
  return newest;
}

const exposure = await checkExposureOrExit();
for (const warning of exposure.warnings) console.warn(warning);
step("prisma clients", process.execPath, [join(root, "scripts/ensure-generated.mjs")]);
step("database and sample pipeline", process.execPath, [join(root, "bin/prs.mjs"), "setup"]);
const buildId = join(root, process.env.PRS_NEXT_DIST ?? ".next", "BUILD_ID");
const sources = Math.max(...["app", "components", "lib"].map(newestMtime));
if (!existsSync(buildId) || statSync(buildId).mtimeMs < sources) {
  step("web app build", process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"]);
}

const pool = poolCommand(root);
if (!pool.bundled) console.warn("worker pool: its bundle (.build/workers/pool.mjs) is older than lib/ or workers/, running it through tsx");

// Web server and worker pool are supervised apart: one that dies is restarted (with backoff)
// while the other keeps serving.
const supervisor = supervise(
  [
    {
      name: "web server",
      command: process.execPath,
      args: [join(root, "node_modules/next/dist/bin/next"), "start", "-H", env.HOST, "-p", env.PORT],
      cwd: root,
      env,
    },
    // The bundled pool (no tsx in the orchestrator's memory) when it is up to date, else `prs worker`.
    { name: "worker pool", command: process.execPath, args: pool.args, cwd: root, env: { ...env, ...POOL_ENV } },
  ],
  { log: (line) => console.error(`supervisor: ${line}`) },
);
console.log(`${exposure.listening} (worker pool running; Ctrl+C stops both)`);
const setupLink = await ownerSetupLink(exposure.origin);
if (setupLink) {
  console.log("\nNo account exists yet. Open this one-time link to create the owner (admin) account; it works once, for 24 hours:");
  console.log(`\n    ${setupLink}\n`);
}
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void supervisor.stop().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
