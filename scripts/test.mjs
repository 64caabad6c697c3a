// Runs every test file under tests/ with node's test runner (TypeScript through tsx).
// `npm test -- tests/engine` runs a folder or file only.
// `--unit` (npm run test:unit) runs the pure unit tests: the files under tests/unit that need no
// database, storage emulator, worker process or trained model (see NEEDS_MORE_THAN_CODE).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const unitOnly = process.argv.includes("--unit");
const args = process.argv.slice(2).filter((a) => a !== "--unit");
const targets = args.length ? args : [unitOnly ? "tests/unit" : "tests"];
// A test file that uses one of these is an integration test, even under tests/unit.
const NEEDS_MORE_THAN_CODE =
  /support\/(context|factories|workers|azurite|tmpfs|api-server)|\bexecuteRun\b|\bcreateDb\b|trainedMnistModel|trainMnistModel|loadMnist/;

function collect(path, out) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (name !== "browser" && name !== "support") collect(join(path, name), out);
  } else if (/\.test\.m?ts$/.test(path)) out.push(relative(root, path));
  return out;
}

const files = targets.flatMap((t) => collect(join(root, t), [])).filter((f) => !unitOnly || !NEEDS_MORE_THAN_CODE.test(readFileSync(join(root, f), "utf8")));
if (files.length === 0) {
  console.error(`no test files under ${targets.join(", ")}`);
  process.exit(1);
}
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const unit = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files], {
  cwd: root,
  stdio: "inherit",
  env,
});

// Browser tests (Playwright in Debian's Chromium) run with the whole suite.
let browser = 0;
if (process.argv.length <= 2) {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(chromium)) {
    // The browser tests' server starts on an empty data folder, like a fresh machine (see
    // tests/browser/env.ts); PRS_E2E_DATA names another folder, which is left as it is.
    if (!process.env.PRS_E2E_DATA) rmSync(join(root, ".tmp", `e2e-${process.env.PRS_E2E_PORT ?? 3100}`), { recursive: true, force: true });
    browser = spawnSync(process.execPath, [join(root, "node_modules/@playwright/test/cli.js"), "test"], { cwd: root, stdio: "inherit", env }).status ?? 1;
  } else {
    console.log(`browser tests skipped: no Chromium at ${chromium} (apt-get install chromium, as .ci/run does)`);
  }
}
process.exit(unit.status !== 0 ? (unit.status ?? 1) : browser);
