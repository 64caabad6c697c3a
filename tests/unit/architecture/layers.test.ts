import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CHECKER = join(ROOT, "scripts/check-layers.mjs");
const fixtures: string[] = [];
after(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

function checkLayers(root: string) {
  const result = spawnSync(process.execPath, [CHECKER, root], { encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** A tree of source files: path -> content. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "prs-layers-"));
  fixtures.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

test("the project's own tree keeps to its layers", () => {
  const { status, output } = checkLayers(ROOT);
  assert.equal(status, 0, output);
});

test("an engine module importing a service fails the check and says which rule", () => {
  const root = tree({
    "lib/services/runs.ts": "export const submitRun = () => 1;\n",
    "lib/engine/orchestrator.ts": 'import { db } from "../db/client";\n/**\n * Runs a run.\n */\nimport { submitRun } from "../services/runs";\n',
    "lib/db/client.ts": "export const db = {};\n",
  });
  const { status, output } = checkLayers(root);
  assert.equal(status, 1);
  assert.match(output, /lib\/engine\/orchestrator\.ts:5 imports lib\/services\/runs\.ts: engine \(L4\) may not import services \(L5\)/);
  assert.doesNotMatch(output, /db\/client/, "engine -> db goes down: allowed");
});

test("every form of import is seen: dynamic, export-from, type-only and the @/ alias", () => {
  const root = tree({
    "lib/services/a.ts": "export type A = 1;\n",
    "lib/contracts/x.ts": 'export { A } from "../services/a";\n',
    "lib/pipeline/y.ts": 'export async function f() {\n  return import("@/lib/engine/z");\n}\n',
    "lib/engine/z.ts": 'import type { A } from "@/lib/services/a";\n',
    "lib/catalog/c.ts": '// import { x } from "../services/a" in a comment is no import\n',
  });
  const { status, output } = checkLayers(root);
  assert.equal(status, 1);
  assert.match(output, /lib\/contracts\/x\.ts:1 imports lib\/services\/a\.ts: contracts \(L0\) may not import services \(L5\)/);
  assert.match(output, /lib\/pipeline\/y\.ts:2 imports lib\/engine\/z\.ts: pipeline \(L1\) may not import engine \(L4\)/);
  assert.match(output, /lib\/engine\/z\.ts:1 imports lib\/services\/a\.ts: engine \(L4\) may not import services \(L5\)/);
  assert.doesNotMatch(output, /catalog/);
});

test("components may import browser-safe modules, and anything as a type only", () => {
  const root = tree({
    "lib/services/runs.ts": "export type Run = {};\nexport const listRuns = () => [];\n",
    "lib/contracts/run.ts": "export const x = 1;\n",
    "components/ok.tsx": 'import type { Run } from "@/lib/services/runs";\nimport { x } from "@/lib/contracts/run";\n',
    "components/bad.tsx": 'import { listRuns } from "@/lib/services/runs";\n',
  });
  const { status, output } = checkLayers(root);
  assert.equal(status, 1);
  assert.match(output, /components\/bad\.tsx:1 imports lib\/services\/runs\.ts: components \(browser code\) may import only/);
  assert.doesNotMatch(output, /components\/ok\.tsx/);
});

test("adapters stay off the database, worker programs off services, and a new lib folder needs a layer", () => {
  const root = tree({
    "lib/db/client.ts": "export const db = {};\n",
    "lib/services/runs.ts": "export const x = 1;\n",
    "lib/datastores/local.ts": 'import { db } from "../db/client";\n',
    "workers/pool.ts": 'import { x } from "../lib/services/runs";\n',
    "lib/misc/thing.ts": "export const y = 2;\n",
  });
  const { status, output } = checkLayers(root);
  assert.equal(status, 1);
  assert.match(output, /lib\/datastores\/local\.ts:1 imports lib\/db\/client\.ts: datastores \(L2\) may not use the database/);
  assert.match(output, /workers\/pool\.ts:1 imports lib\/services\/runs\.ts: workers \(engine processes\) may not import services/);
  assert.match(output, /lib\/misc\/thing\.ts is in no layer/);
});
