import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { EnvironmentCache } from "../../../lib/environments/cache";

const root = mkdtempSync(join(tmpdir(), "prs-env-cache-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** A built environment as the cache leaves one: a folder with its marker, last used `ageSeconds` ago. */
function built(hash: string, sizeBytes: number, ageSeconds: number): void {
  mkdirSync(join(root, hash, "node_modules"), { recursive: true });
  const marker = join(root, hash, ".prs-environment.json");
  writeFileSync(marker, JSON.stringify({ hash, label: hash.slice(0, 4), builtAt: new Date().toISOString(), sizeBytes }));
  const when = new Date(Date.now() - ageSeconds * 1000);
  utimesSync(marker, when, when);
}

const hash = (c: string) => c.repeat(64);

test("over the size limit the least recently used go first, never one a live process uses", async () => {
  built(hash("a"), 400, 300); // oldest, but used by a live process below
  built(hash("b"), 400, 200);
  built(hash("c"), 400, 100);
  built(hash("d"), 400, 10);
  const cache = new EnvironmentCache(root, { limitBytes: 900 });
  // In use by another live process (its in-use file names its pid).
  const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  mkdirSync(join(root, ".in-use", hash("a")), { recursive: true });
  writeFileSync(join(root, ".in-use", hash("a"), `${other.pid}-x`), String(other.pid));
  const releaseD = cache.use(hash("d"));
  try {
    assert.deepEqual(cache.evict(), [hash("b"), hash("c")]);
    assert.ok(cache.isBuilt(hash("a")), "in use by a live process");
    assert.ok(cache.isBuilt(hash("d")), "in use by this process");
    assert.equal(cache.isBuilt(hash("b")), false);
  } finally {
    other.kill("SIGKILL");
    releaseD();
  }
  await new Promise((r) => other.once("exit", r));
  // A dead process's in-use file does not protect: a is now the least recently used over the limit.
  built(hash("e"), 400, 0);
  assert.deepEqual(cache.evict(), [hash("a")]);
  assert.deepEqual(
    cache.list().map((e) => e.hash),
    [hash("d"), hash("e")],
  );
});
