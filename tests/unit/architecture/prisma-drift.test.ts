import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function checkDrift(root: string) {
  const result = spawnSync(process.execPath, [join(ROOT, "scripts/check-prisma-drift.mjs"), root], { encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** The project's prisma/ folder and schema script, copied to change one thing. */
function copyOfPrisma(): string {
  const root = mkdtempSync(join(tmpdir(), "prs-drift-"));
  copies.push(root);
  cpSync(join(ROOT, "prisma"), join(root, "prisma"), { recursive: true });
  mkdirSync(join(root, "scripts"));
  cpSync(join(ROOT, "scripts/prisma-schemas.mjs"), join(root, "scripts/prisma-schemas.mjs"));
  return root;
}

test("the project's SQLite and PostgreSQL schemas and migrations agree", () => {
  const { status, output } = checkDrift(ROOT);
  assert.equal(status, 0, output);
});

test("a migration written for one provider only is reported", () => {
  const root = copyOfPrisma();
  mkdirSync(join(root, "prisma/sqlite/migrations/20990101000000_add_note"));
  writeFileSync(join(root, "prisma/sqlite/migrations/20990101000000_add_note/migration.sql"), 'ALTER TABLE "Pipeline" ADD COLUMN "note" TEXT;\n');
  const { status, output } = checkDrift(root);
  assert.equal(status, 1);
  assert.match(output, /migration 20990101000000_add_note exists for sqlite only/);
  assert.match(output, /sqlite migrations against models\.prisma: Pipeline\.note is extra/);
});

test("a field added to models.prisma without migrations, and a stale provider schema, are reported", () => {
  const root = copyOfPrisma();
  const models = readFileSync(join(root, "prisma/models.prisma"), "utf8").replace(/^model Pipeline \{\n/m, "model Pipeline {\n  note String?\n");
  writeFileSync(join(root, "prisma/models.prisma"), models);
  const { status, output } = checkDrift(root);
  assert.equal(status, 1);
  assert.match(output, /schema\.prisma is stale/);
  assert.match(output, /postgresql migrations against models\.prisma: Pipeline\.note is missing/);
});
