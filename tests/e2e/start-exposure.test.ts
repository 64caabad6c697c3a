import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";

/**
 * Issue 9, item 6, through the real `npm start`: bound beyond loopback without PRS_PUBLIC_URL it
 * stops at once with one sentence and exit 6, before generating, setting up or building anything.
 */

const ROOT = join(import.meta.dirname, "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "prs-start-exposure-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function start(env: Record<string, string>) {
  const { PRS_PUBLIC_URL: _url, PRS_SECRET_KEY: _key, ...inherited } = process.env;
  return spawnSync(process.execPath, [join(ROOT, "scripts", "start.mjs")], {
    cwd: ROOT,
    env: { ...inherited, PRS_DATA_DIR: join(dataDir, "data"), PRS_NEXT_DIST: ".next-never-built", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

test("HOST=0.0.0.0 without PRS_PUBLIC_URL exits 6 with one sentence, having started nothing", () => {
  const result = start({ HOST: "0.0.0.0", PORT: "3999" });
  assert.equal(result.status, 6, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(
    lines[0] ?? "",
    /^npm start: HOST=0\.0\.0\.0 serves the studio beyond this machine, which needs PRS_PUBLIC_URL .*HOST=127\.0\.0\.1 to stay local\.$/,
  );
  assert.equal(result.stdout, "", "no step ran");
  assert.ok(!existsSync(join(dataDir, "data")), "no data folder was set up");
  assert.ok(!existsSync(join(ROOT, ".next-never-built")), "nothing was built");
});

test("a malformed PRS_PUBLIC_URL is a configuration error too", () => {
  const result = start({ HOST: "0.0.0.0", PORT: "3999", PRS_PUBLIC_URL: "studio.example.com" });
  assert.equal(result.status, 6, result.stderr);
  assert.match(result.stderr, /PRS_PUBLIC_URL 'studio\.example\.com' is not a URL/);
});
