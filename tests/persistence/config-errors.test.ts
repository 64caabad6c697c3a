import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { postgresUnavailable } from "../support/context";

/**
 * Issue 7 case 5: a wrong DATABASE_URL is a configuration error: the real CLI prints one sentence
 * naming the problem, no stack trace, and exits with the configuration code; nothing is created.
 */
const CONFIGURATION_EXIT = 6;
const pgSkip = await postgresUnavailable();
const dataDir = mkdtempSync(join(tmpdir(), "prs-config-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function prs(databaseUrl: string, ...args: string[]) {
  return spawnSync(process.execPath, ["bin/prs.mjs", ...args], {
    encoding: "utf8",
    env: { ...process.env, PRS_DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
    timeout: 60_000,
  });
}

function assertConfigurationError(r: ReturnType<typeof prs>, names: RegExp) {
  const stderr = r.stderr.trim();
  assert.equal(r.status, CONFIGURATION_EXIT, `exit ${r.status}: ${stderr}`);
  assert.equal(stderr.split("\n").length, 1, `one line expected:\n${stderr}`);
  assert.match(stderr, /^error: /);
  assert.match(stderr, names);
  assert.doesNotMatch(stderr, /\n\s+at |internal error/i);
}

describe("a wrong DATABASE_URL", () => {
  test("a SQLite file in a folder that does not exist is refused, and the folder is not created", () => {
    const r = prs("file:/nonexistent/dir/studio.db", "dataset", "list");
    assertConfigurationError(r, /\/nonexistent\/dir.*does not exist/);
    assert.equal(existsSync("/nonexistent/dir"), false);
    assert.equal(existsSync("/nonexistent"), false);
  });

  test("a SQLite path that is not a database is refused", () => {
    const notADb = join(dataDir, "notes.db");
    writeFileSync(notADb, "these are not the pages of a SQLite database, just text long enough to look like a header ".repeat(20));
    assertConfigurationError(prs(`file:${notADb}`, "run", "list"), /notes\.db/);
  });

  test("a URL of another database system is refused", () => {
    assertConfigurationError(prs("mysql://x", "dataset", "list"), /DATABASE_URL.*mysql/);
  });

  test("a PostgreSQL server that refuses the connection", () => {
    assertConfigurationError(prs("postgresql://root@127.0.0.1:1/x", "run", "list"), /127\.0\.0\.1:1.*refused/);
  });

  test("an unknown PostgreSQL database", { skip: pgSkip }, () => {
    assertConfigurationError(prs("postgresql://root@127.0.0.1:5432/no_such_db_xyz", "dataset", "list"), /no_such_db_xyz.*does not exist/);
  });

  test("an unknown PostgreSQL role", { skip: pgSkip }, () => {
    assertConfigurationError(prs("postgresql://nosuchrole@127.0.0.1:5432/postgres", "run", "list"), /nosuchrole.*does not exist/);
  });

  test("the default database folder is still created on first use", () => {
    const fresh = join(dataDir, "fresh");
    const env: NodeJS.ProcessEnv = { ...process.env, PRS_DATA_DIR: fresh };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, ["bin/prs.mjs", "dataset", "list"], { encoding: "utf8", env, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(fresh, "studio.db")));
  });
});
