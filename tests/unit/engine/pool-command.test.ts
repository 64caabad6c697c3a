import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { POOL_NODE_FLAGS, poolCommand } from "../../../scripts/pool-command.mjs";

const root = mkdtempSync(join(tmpdir(), "prs-pool-command-"));
after(() => rmSync(root, { recursive: true, force: true }));

const file = (path: string, seconds: number) => {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), "");
  utimesSync(join(root, path), seconds, seconds);
};

test("npm start runs the pool's bundle while it is newer than lib/ and workers/, else prs worker through tsx, with the pool's flags either way", () => {
  file("lib/engine/orchestrator.ts", 1000);
  file("workers/pool.ts", 1000);
  assert.deepEqual(poolCommand(root), { args: [...POOL_NODE_FLAGS, join(root, "bin", "prs.mjs"), "worker"], bundled: false }, "no bundle yet");
  file(".build/workers/pool.mjs", 2000);
  assert.deepEqual(poolCommand(root), { args: [...POOL_NODE_FLAGS, join(root, ".build", "workers", "pool.mjs")], bundled: true });
  file("workers/pool.ts", 3000);
  assert.equal(poolCommand(root).bundled, false, "a source edited after the build makes the bundle stale");
  file(".build/workers/pool.mjs", 4000);
  file("lib/engine/wake.ts", 5000);
  assert.equal(poolCommand(root).bundled, false, "a new file under lib/ too");
});
