// Drift between the two providers' schemas (plain Node, no database needed):
// 1. prisma/sqlite/schema.prisma and prisma/postgresql/schema.prisma are the shared
//    prisma/models.prisma under their own header (scripts/prisma-schemas.mjs --check);
// 2. both migration folders hold the same migrations, by name;
// 3. replaying each folder's SQL (CREATE/DROP/RENAME TABLE, ADD/DROP/RENAME COLUMN) gives the same
//    tables and columns on both providers, and exactly the scalar fields models.prisma declares.
// `node scripts/check-prisma-drift.mjs [root]` prints each difference and exits 1.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PROVIDERS = ["sqlite", "postgresql"];
const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]);

export function migrationNames(root, provider) {
  const dir = join(root, "prisma", provider, "migrations");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/** Table -> sorted column names after applying every migration of a provider in order. */
export function tablesFromMigrations(root, provider) {
  const tables = new Map();
  for (const name of migrationNames(root, provider)) {
    const file = join(root, "prisma", provider, "migrations", name, "migration.sql");
    if (existsSync(file)) applySql(tables, readFileSync(file, "utf8"));
  }
  return tables;
}

function applySql(tables, sql) {
  const statements = sql
    .replace(/--.*$/gm, "")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const statement of statements) {
    let m;
    if ((m = /^CREATE TABLE "(\w+)" \(([\s\S]*)\)$/i.exec(statement))) {
      const columns = m[2]
        .split(/,\s*\n/)
        .map((line) => /^\s*"(\w+)"/.exec(line)?.[1])
        .filter(Boolean);
      tables.set(m[1], new Set(columns));
    } else if ((m = /^DROP TABLE "(\w+)"$/i.exec(statement))) {
      tables.delete(m[1]);
    } else if ((m = /^ALTER TABLE "(\w+)" RENAME TO "(\w+)"$/i.exec(statement))) {
      tables.set(m[2], tables.get(m[1]) ?? new Set());
      tables.delete(m[1]);
    } else if ((m = /^ALTER TABLE "(\w+)"\s+([\s\S]*)$/i.exec(statement))) {
      const columns = tables.get(m[1]);
      if (!columns) continue;
      for (const [, column] of m[2].matchAll(/ADD COLUMN\s+"(\w+)"/gi)) columns.add(column);
      for (const [, column] of m[2].matchAll(/DROP COLUMN\s+"(\w+)"/gi)) columns.delete(column);
      for (const [, from, to] of m[2].matchAll(/RENAME COLUMN\s+"(\w+)"\s+TO\s+"(\w+)"/gi)) {
        columns.delete(from);
        columns.add(to);
      }
    }
  }
}

/** Model -> its scalar and enum fields (relations have no column of their own). */
export function tablesFromModels(text) {
  const enums = new Set([...text.matchAll(/^enum\s+(\w+)\s*\{/gm)].map((m) => m[1]));
  const tables = new Map();
  for (const [, model, body] of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const columns = new Set();
    for (const line of body.split("\n")) {
      const field = /^\s*(\w+)\s+(\w+)(\?|\[\])?/.exec(line.replace(/\/\/.*$/, ""));
      if (field && field[3] !== "[]" && (SCALARS.has(field[2]) || enums.has(field[2]))) columns.add(field[1]);
    }
    tables.set(model, columns);
  }
  return tables;
}

function compareTables(label, expected, actual, problems) {
  for (const [table, columns] of expected) {
    const other = actual.get(table);
    if (!other) {
      problems.push(`${label}: table ${table} is missing`);
      continue;
    }
    for (const c of columns) if (!other.has(c)) problems.push(`${label}: ${table}.${c} is missing`);
    for (const c of other) if (!columns.has(c)) problems.push(`${label}: ${table}.${c} is extra`);
  }
  for (const table of actual.keys()) if (!expected.has(table)) problems.push(`${label}: table ${table} is extra`);
}

export function checkPrismaDrift(root) {
  const problems = [];
  const schemas = spawnSync(process.execPath, [join(root, "scripts/prisma-schemas.mjs"), "--check"], { encoding: "utf8" });
  if (schemas.status !== 0) problems.push(`${schemas.stderr.trim() || "the provider schemas are stale"} (they must be models.prisma under a provider header)`);

  const [sqlite, postgresql] = PROVIDERS.map((p) => migrationNames(root, p));
  for (const name of sqlite)
    if (!postgresql.includes(name)) problems.push(`migration ${name} exists for sqlite only: add prisma/postgresql/migrations/${name}`);
  for (const name of postgresql)
    if (!sqlite.includes(name)) problems.push(`migration ${name} exists for postgresql only: add prisma/sqlite/migrations/${name}`);

  const models = tablesFromModels(readFileSync(join(root, "prisma/models.prisma"), "utf8"));
  for (const provider of PROVIDERS) {
    compareTables(`${provider} migrations against models.prisma`, models, tablesFromMigrations(root, provider), problems);
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkPrismaDrift(process.argv[2] ?? fileURLToPath(new URL("..", import.meta.url)));
  if (problems.length) {
    console.error(`Prisma schemas drift apart (${problems.length}):`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  console.log("prisma: both providers' schemas and migrations match models.prisma");
}
