#!/usr/bin/env node
// The `prs` command: runs the TypeScript CLI through tsx's loader. `prs agent` runs the agent's
// esbuild bundle (scripts/build-workers.mjs) when it is newer than every source it was built from,
// so an agent starts without compiling TypeScript; a stale or missing bundle falls back to tsx.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleIsFresh } from "../scripts/bundle-fresh.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function agentBundle() {
  const bundle = join(root, ".build", "workers", "agent.mjs");
  if (process.env.PRS_AGENT_TSX === "1") return undefined;
  return bundleIsFresh(
    bundle,
    ["lib", "workers", "cli"].map((dir) => join(root, dir)),
  )
    ? bundle
    : undefined;
}

const bundle = process.argv[2] === "agent" ? agentBundle() : undefined;
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
}
