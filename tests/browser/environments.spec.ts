import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "./env";

/**
 * Environments in the browser: register one on /data (dependencies locked by npm against the
 * registry), pick it in the designer's step panel, run, and read its build log on the run page.
 */

function prs(...args: string[]): string {
  return execFileSync(process.execPath, ["bin/prs.mjs", ...args], {
    env: { ...process.env, PRS_DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, "studio.db")}` },
    encoding: "utf8",
  });
}

function makeScriptPipeline(name: string) {
  const dir = join(dataDir, "e2e-environments", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "score.mjs"),
    `import isNumber from "is-number";
import { createRequire } from "node:module";
const version = createRequire(import.meta.url)("is-number/package.json").version;
export async function run(batch, ctx) {
  return batch.map((path) => ({ file: ctx.relativePath(path), isNumber: isNumber("1"), version }));
}
`,
  );
  writeFileSync(
    join(dir, "pipeline.yaml"),
    `name: ${name}
parameters:
  - { name: data, type: dataset, default: mnist }
steps:
  - name: score-with-env
    inputs: [{ param: data }]
    allow_reuse: false
    parallel_run_config:
      entry_script: score.mjs
      mini_batch_size: 500
      error_threshold: 0
      output_action: append_row
      append_row_file_name: versions.csv
      process_count_per_node: 1
      run_invocation_timeout: 60
`,
  );
  prs("pipeline", "create", join(dir, "pipeline.yaml"));
}

test("register an environment on /data, pick it in the step panel, run, and see its build log on the run page", async ({ page, request }) => {
  test.setTimeout(240_000);
  await page.goto("/data");
  const form = page.getByRole("form", { name: "Register an environment" });
  await form.getByLabel("Environment name").fill("browser-num");
  await form.getByLabel(/^Dependencies/).fill("is-number@^7");
  await form.getByRole("button", { name: "Lock with npm" }).click();
  await expect(form.getByRole("status")).toContainText("is-number@7.0.0", { timeout: 90_000 });
  await form.getByLabel(/^Environment variables/).fill("SCORING_MODE=browser");
  await form.getByRole("button", { name: "Register environment" }).click();
  await expect(form.getByText("Registered browser-num:1")).toBeVisible();
  const listed = page.getByRole("listitem", { name: "Environment browser-num:1" });
  await expect(listed).toContainText("is-number@7.0.0");
  await expect(listed).toContainText("not built");
  await page.screenshot({ path: join(dataDir, "screens", "environments-data.png"), fullPage: true });

  makeScriptPipeline("env-browser");
  const list = await (await request.get("/api/pipelines?search=env-browser")).json();
  const pipeline = list.pipelines.find((p: { name: string }) => p.name === "env-browser");
  await page.goto(`/pipelines/${pipeline.id}`);
  await page.locator(".react-flow__node", { hasText: "score-with-env" }).click({ position: { x: 40, y: 12 } });
  const picker = page.getByRole("combobox", { name: /^Environment/ });
  await picker.fill("browser");
  await page.getByRole("option", { name: /browser-num/ }).click();
  await expect(page.getByRole("region", { name: "Packages of environment browser-num" })).toContainText("is-number@7.0.0");
  await page.screenshot({ path: join(dataDir, "screens", "environments-step-panel.png") });

  await page.getByRole("button", { name: "Submit run" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Experiment").fill("environments");
  await dialog.getByRole("button", { name: "Submit run" }).click();
  await page.waitForURL(/\/runs\/run_/);
  const runId = page.url().split("/").pop()!;
  await expect.poll(async () => (await (await request.get(`/api/runs/${runId}`)).json()).run.status, { timeout: 180_000 }).toBe("completed");
  const preview = await (await request.get(`/api/runs/${runId}/preview`)).json();
  expect(JSON.stringify(preview)).toContain("7.0.0");

  await page.reload();
  const logFile = page.getByRole("combobox", { name: "Log file" });
  await logFile.selectOption({ label: "score-with-env/sys/environment/build_log.txt" });
  await expect(page.getByRole("log", { name: "Log lines" })).toContainText("Environment browser-num:1", { timeout: 20_000 });
  await expect(page.getByRole("log", { name: "Log lines" })).toContainText("npm ci --ignore-scripts");
  await page.screenshot({ path: join(dataDir, "screens", "environments-run-log.png"), fullPage: true });
});
