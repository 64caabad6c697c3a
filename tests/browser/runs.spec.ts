import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "./env";

/**
 * Runs in the browser: submit from the dialog, watch live progress, cancel and resume, resubmit
 * with changed values, failures, results and CSV download. Drives the real server and worker
 * pool that playwright.config.ts starts on PRS_E2E_DATA.
 */

function prs(...args: string[]): string {
  return execFileSync(process.execPath, ["bin/prs.mjs", ...args], {
    env: { ...process.env, PRS_DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, "studio.db")}` },
    encoding: "utf8",
  });
}

/**
 * Publishes a pipeline over the MNIST images whose entry script sleeps per mini-batch (so a run
 * lasts long enough to watch and cancel) and, with `failEvery`, fails some items with a reason.
 */
function makeSlowPipeline(name: string, options: { sleepMs: number; miniBatchSize: number; failEvery?: number }) {
  const dir = join(dataDir, "e2e-runs", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "score.mjs"),
    `export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, ${options.sleepMs}));
  const rows = [];
  for (const path of batch) {
    const file = ctx.relativePath(path);
    const n = Number(/(\\d+)\\.png$/.exec(file)?.[1]);
    if (${options.failEvery ?? 0} > 0 && n % ${options.failEvery ?? 1} === 7) {
      ctx.logger.error("cannot score " + file);
      ctx.failItem(path, "image " + file + " is unreadable (test)");
      continue;
    }
    rows.push({ file, digit: n % 10 });
  }
  return rows;
}
`,
  );
  writeFileSync(
    join(dir, "pipeline.yaml"),
    `name: ${name}
parameters:
  - { name: data, type: dataset, default: mnist }
  - { name: batch_size, type: int, default: ${options.miniBatchSize} }
steps:
  - name: score-slowly
    inputs: [{ param: data }]
    allow_reuse: false
    parallel_run_config:
      entry_script: score.mjs
      mini_batch_size: { param: batch_size }
      error_threshold: -1
      output_action: append_row
      append_row_file_name: scores.csv
      node_count: 1
      process_count_per_node: 2
      run_invocation_timeout: 60
      run_max_try: 2
`,
  );
  prs("pipeline", "create", join(dir, "pipeline.yaml"));
}

async function submitByApi(page: Page, pipeline: string, parameters: Record<string, string | number> = {}): Promise<string> {
  const res = await page.request.post("/api/runs", { data: { pipeline, parameters } });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const itemsBar = (page: Page, step: string) => page.getByRole("progressbar", { name: `Items of ${step}` });

async function itemsDone(page: Page, step: string): Promise<number> {
  return Number(await itemsBar(page, step).getAttribute("aria-valuenow"));
}

async function downloadCsv(page: Page): Promise<string[]> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  const text = readFileSync(await download.path(), "utf8");
  return text.split("\n").filter((l) => l !== "");
}

/** Deletes earlier runs with these values: allow_reuse would otherwise finish the step at once. */
async function deleteEarlierRuns(page: Page, pipeline: string, parameters: Record<string, unknown>) {
  const { runs } = (await (await page.request.get(`/api/runs?pipeline=${pipeline}`)).json()) as { runs: { id: string; status: string }[] };
  for (const r of runs.filter((x) => x.status === "completed")) {
    const snapshot = (await (await page.request.get(`/api/runs/${r.id}`)).json()) as { run: { parameters: Record<string, unknown> } };
    if (Object.entries(parameters).every(([k, v]) => snapshot.run.parameters[k] === v))
      expect((await page.request.delete(`/api/runs/${r.id}`)).status()).toBe(200);
  }
}

test("submit the MNIST pipeline from the browser, watch it, preview and download the output", async ({ page }) => {
  await deleteEarlierRuns(page, "digit-identification", { mnist_param: "mnist", batch_size_param: 1 });
  await page.goto("/runs");
  await page.getByRole("button", { name: "Submit a pipeline" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Pipeline", { exact: true }).selectOption("digit-identification");
  await expect(dialog.getByLabel("batch_size_param")).toHaveValue("5");
  await expect(dialog.getByLabel("process_count_param")).toHaveValue("2");
  await expect(dialog.getByLabel("mnist_param source")).toHaveValue("mnist");
  await dialog.getByLabel("Experiment").fill("browser-mnist");
  // One image per mini-batch and one process: the same pipeline, slow enough to watch.
  await dialog.getByLabel("batch_size_param").fill("1");
  await dialog.getByLabel("process_count_param").fill("1");
  await dialog.getByRole("button", { name: "Submit run" }).click();
  await page.waitForURL(/\/runs\/run_/);

  const step = "predict-digits-mnist";
  const seen = new Set<number>();
  await expect
    .poll(
      async () => {
        const done = await itemsDone(page, step).catch(() => 0);
        if (done > 0 && done < 10_000) seen.add(done);
        return seen.size;
      },
      { timeout: 90_000, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(2);
  await expect(page.getByLabel("Run status")).toHaveText("completed", { timeout: 120_000 });
  await expect(itemsBar(page, step)).toHaveAttribute("aria-valuenow", "10000");
  await expect(page.getByTestId("end-reason")).toContainText("10000 of 10000 items succeeded");

  await page.getByRole("tab", { name: "table" }).click();
  const preview = page.getByRole("table", { name: "Output rows" });
  await expect(preview.locator("tbody tr")).toHaveCount(25);
  await expect(page.getByRole("figure", { name: /Count per/ })).toBeVisible();

  const lines = await downloadCsv(page);
  expect(lines[0]).toBe("file,label,probability");
  expect(lines.length - 1).toBe(10_000);
  expect(new Set(lines.slice(1).map((l) => l.split(",")[0])).size).toBe(10_000);
});

test("cancel a running run, then resume it: every item exactly once in the output", async ({ page }) => {
  makeSlowPipeline("e2e-slow-scoring", { sleepMs: 150, miniBatchSize: 100 });
  const runId = await submitByApi(page, "e2e-slow-scoring");
  await page.goto(`/runs/${runId}`);
  const step = "score-slowly";
  await expect.poll(() => itemsDone(page, step).catch(() => 0), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(0);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByLabel("Run status")).toHaveText("cancelled", { timeout: 30_000 });
  const atCancel = await itemsDone(page, step);
  expect(atCancel).toBeLessThan(10_000);
  await expect(page.getByTestId("end-reason")).toContainText(/cancel/i);

  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByLabel("Run status")).toHaveText("completed", { timeout: 90_000 });
  await expect(itemsBar(page, step)).toHaveAttribute("aria-valuenow", "10000");

  const lines = await downloadCsv(page);
  expect(lines[0]).toBe("file,digit");
  const files = lines.slice(1).map((l) => l.split(",")[0]);
  expect(files.length).toBe(10_000);
  expect(new Set(files).size).toBe(10_000);
});

test("resubmit with a single image, mini-batch size 1 and one process gives one row", async ({ page }) => {
  const firstId = await submitByApi(page, "digit-identification");
  await page.goto(`/runs/${firstId}`);
  await expect(page.getByLabel("Run status")).toHaveText("completed", { timeout: 90_000 });

  await page.getByRole("button", { name: "Resubmit…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("mnist_param source").selectOption({ label: "A single file…" });
  await dialog.getByLabel("mnist_param file").fill("datastore://workspace/mnist/0.png");
  await dialog.getByLabel("batch_size_param").fill("1");
  await dialog.getByLabel("process_count_param").fill("1");
  await dialog.getByRole("button", { name: "Submit run" }).click();
  await page.waitForURL((url) => /\/runs\/run_/.test(url.pathname) && !url.pathname.endsWith(firstId));

  await expect(page.getByLabel("Run status")).toHaveText("completed", { timeout: 60_000 });
  await expect(page.getByText("mnist_param=datastore://workspace/mnist/0.png")).toBeVisible();
  await page.getByRole("tab", { name: "table" }).click();
  await expect(page.getByRole("table", { name: "Output rows" }).locator("tbody tr")).toHaveCount(1);
  const lines = await downloadCsv(page);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^(mnist\/)?0\.png,\d,/);
});

test("a run with failing items lists them with their messages in the failures table", async ({ page }) => {
  makeSlowPipeline("e2e-failing-items", { sleepMs: 0, miniBatchSize: 200, failEvery: 1000 });
  const runId = await submitByApi(page, "e2e-failing-items");
  await page.goto(`/runs/${runId}`);
  // Some items failed: the run completed, but not cleanly (amber, not green).
  await expect(page.getByLabel("Run status")).toHaveText("completed with failures", { timeout: 90_000 });
  await expect(page.getByLabel("Run status")).toHaveAttribute("data-status", "completed");
  const failures = page.getByRole("table", { name: "Failures" });
  await expect(failures.locator("tbody tr")).toHaveCount(10);
  await expect(failures).toContainText("image 7.png is unreadable (test)");
  await expect(failures).toContainText("image 9007.png is unreadable (test)");
  await expect(page.getByRole("progressbar", { name: "Items of score-slowly" })).toHaveAttribute("aria-valuenow", "10000");

  // The failure links to its lines in the process log.
  await failures.getByRole("button").first().click();
  await expect(page.getByLabel("Log filter")).toHaveValue(/mini-batch \d+/);
  await expect(page.getByLabel("Log lines")).toContainText("items failed");
});
