#!/usr/bin/env node
// The `prs` command: runs the TypeScript CLI through tsx's loader. `prs agent` runs the agent's
// esbuild bundle (scripts/build-workers.mjs) when it is newer than every source it was built from,
// so an agent starts without compiling TypeScript; a stale or missing bundle falls back to tsx.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function agentBundle() {
  const bundle = join(root, ".build", "workers", "agent.mjs");
  if (!existsSync(bundle) || process.env.PRS_AGENT_TSX === "1") return undefined;
  const built = statSync(bundle).mtimeMs;
  return ["lib", "workers", "cli"].every((dir) => newestSource(join(root, dir)) <= built) ? bundle : undefined;
}

const bundle = process.argv[2] === "agent" ? agentBundle() : undefined;
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
}
