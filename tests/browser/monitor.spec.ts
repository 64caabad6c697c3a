import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "./env";

/**
 * The run monitor (issue 11): the run graph turning green step by step with the selected step's
 * details, truthful states, the results gallery and the paged table, an empty result, the
 * comparison of two runs, and axe checks of the pages. Drives the real server and worker pool.
 */

function prs(...args: string[]): string {
  return execFileSync(process.execPath, ["bin/prs.mjs", ...args], {
    env: { ...process.env, PRS_DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, "studio.db")}` },
    encoding: "utf8",
  });
}

/** A pipeline from an entry script body (`run(batch, ctx)`) and the YAML of its steps. */
function publish(name: string, scripts: Record<string, string>, yaml: string) {
  const dir = join(dataDir, "e2e-monitor", name);
  mkdirSync(dir, { recursive: true });
  for (const [file, body] of Object.entries(scripts)) writeFileSync(join(dir, file), body);
  writeFileSync(join(dir, "pipeline.yaml"), `name: ${name}\n${yaml}`);
  prs("pipeline", "create", join(dir, "pipeline.yaml"));
}

const stepYaml = (name: string, script: string, input: string, extra = "", miniBatchSize = "1000") => `  - name: ${name}
    inputs: [${input}]
    allow_reuse: false
${extra}    parallel_run_config:
      entry_script: ${script}
      mini_batch_size: ${miniBatchSize}
      error_threshold: -1
      output_action: append_row
      append_row_file_name: out.csv
      node_count: 1
      process_count_per_node: 2
      run_invocation_timeout: 60
      run_max_try: 1
`;

async function submit(page: Page, pipeline: string, parameters: Record<string, string | number> = {}): Promise<string> {
  const res = await page.request.post("/api/runs", { data: { pipeline, parameters } });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** With PRS_SCREENSHOTS=<folder>, the README's screenshots are taken along the way: 1440x900, and 1024x768 as `<name>-1024.png`. */
async function shoot(page: Page, name: string) {
  const folder = process.env.PRS_SCREENSHOTS;
  if (!folder) return;
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: join(folder, `${name}-1024.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: join(folder, `${name}.png`) });
}

/** Nothing sticks out of the window sideways: the page never scrolls horizontally. */
async function expectNoHorizontalOverflow(page: Page, what: string) {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // Inside a box that scrolls or clips sideways (a wide table, the graph's pane) is fine.
    const clipped = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
      return false;
    };
    const wide = [...document.querySelectorAll("main *")]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].slice(0, 3).join(".")}`);
    return { scroll: document.documentElement.scrollWidth - width, wide: wide.slice(0, 5) };
  });
  expect(overflow, `${what} is wider than the window`).toEqual({ scroll: 0, wide: [] });
}

const stepNode = (page: Page, step: string) => page.locator(`.react-flow__node [data-step="${step}"]`);

async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    `serious or critical axe violations on ${what}`,
  ).toEqual([]);
}

test("the run graph turns green step by step; clicking a step shows its progress, charts and logs", async ({ page }) => {
  publish(
    "e2e-two-steps",
    {
      "slow.mjs": `export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, 400));
  return batch.map((p) => ({ file: ctx.relativePath(p), digit: Number(/(\\d+)\\.png$/.exec(p)?.[1]) % 10 }));
}
`,
      // The first step's output, read as a table: one mini-batch of its rows.
      "summarise.mjs": `export async function run(rows) {
  await new Promise((r) => setTimeout(r, 4000));
  return rows.map((row) => ({ file: row.file, even: Number(row.digit) % 2 === 0 }));
}
`,
    },
    `parameters:
  - { name: data, type: dataset, default: mnist }
steps:
${stepYaml("score-first", "slow.mjs", "{ param: data }")}${stepYaml("summarise-next", "summarise.mjs", "{ step: score-first }", "", "10MB")}`,
  );
  const runId = await submit(page, "e2e-two-steps");
  await page.goto(`/runs/${runId}`);
  await expect(page).toHaveTitle(`Run ${runId} · Parallel Run Studio`);
  await expect(stepNode(page, "score-first")).toBeVisible();
  await expect(page.locator(".react-flow__node", { hasText: "mnist" }).first()).toBeVisible();

  // Seen in order: the first step green while the second is not yet, then both green.
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        const first = await stepNode(page, "score-first").getAttribute("data-status");
        const second = await stepNode(page, "summarise-next").getAttribute("data-status");
        const pair = `${first}/${second}`;
        if (seen.at(-1) !== pair) seen.push(pair);
        if (pair === "running/pending" && !seen.includes("shot")) {
          seen.push("shot");
          await shoot(page, "run-live-after");
        }
        return pair;
      },
      { timeout: 120_000, intervals: [200] },
    )
    .toBe("completed/completed");
  expect(
    seen.some((p) => /^completed\/(pending|planning|running)$/.test(p)),
    seen.join(" → "),
  ).toBe(true);
  expect(
    seen.some((p) => /^(planning|running)\//.test(p)),
    seen.join(" → "),
  ).toBe(true);
  await expect(page.getByLabel("Run status")).toHaveText("completed");
  await expect(page.getByLabel("Connection")).toHaveCount(0);
  await expect(page.getByLabel("Average throughput")).toHaveText(/\d+(\.\d)? items\/s/);

  // Clicking the first step shows its progress, its charts and its job result.
  await stepNode(page, "score-first").click();
  const details = page.getByRole("region", { name: "Step score-first" });
  await expect(details.getByRole("progressbar", { name: "Items of score-first" })).toHaveAttribute("aria-valuenow", "10000");
  await expect(details.getByLabel("Items per second of score-first")).not.toHaveText("0.0");
  await expect(details).toContainText("on average");
  await expect(page.getByRole("img", { name: "Mini-batch durations of score-first" }).locator("canvas")).toBeVisible();
  await expect(page.getByRole("img", { name: "Mini-batches per worker process of score-first" })).toBeVisible();
  await expect(page.getByLabel("Log file")).toHaveValue("score-first\njob_result.txt");
  await expect(page.getByLabel("Log lines")).toContainText("10000 of 10000 items succeeded");

  // The pipeline and its version are links; the comparison is offered.
  await expect(page.getByRole("link", { name: "e2e-two-steps" })).toHaveAttribute("href", /^\/pipelines\/pl_/);
  await expect(page.getByRole("link", { name: /^version \d+$/ })).toBeVisible();
  await expectNoSeriousViolations(page, "the run page");
});

test("results: the gallery filtered to one label and sorted by probability, the table paged over the whole CSV", async ({ page }) => {
  const runId = await submit(page, "digit-identification", { batch_size_param: 500 });
  await page.goto(`/runs/${runId}`);
  await expect(page.getByLabel("Run status")).toHaveText(/^completed/, { timeout: 120_000 });
  const results = page.getByRole("region", { name: "Results of predict-digits-mnist" });
  await expect(results).toContainText("10,000 rows");

  const gallery = results.getByRole("list", { name: "Result images" });
  await expect(gallery.getByRole("listitem")).toHaveCount(48);
  await results.getByLabel("Filter by label").selectOption("3");
  await expect(results).toContainText(/\d+ images labelled 3/);
  await expect.poll(async () => new Set(await gallery.getByRole("listitem").evaluateAll((els) => els.map((e) => e.getAttribute("data-label")))).size).toBe(1);
  await expect(gallery.getByRole("listitem").first()).toHaveAttribute("data-label", "3");
  // Lowest probability first: the first card's percentage is at most the last one's.
  const percents = async () =>
    (await gallery.getByRole("listitem").evaluateAll((els) => els.map((e) => e.textContent ?? ""))).map((t) => Number(/([\d.]+)%/.exec(t)?.[1]));
  await expect
    .poll(async () => {
      const p = await percents();
      return p.length > 1 && p[0]! <= p[p.length - 1]!;
    })
    .toBe(true);
  // The thumbnail is a real PNG made from the input image.
  const src = await gallery.getByRole("img").first().getAttribute("src");
  const thumb = await page.request.get(src!);
  expect(thumb.status()).toBe(200);
  expect(thumb.headers()["content-type"]).toBe("image/png");
  expect((await thumb.body()).subarray(1, 4).toString()).toBe("PNG");
  await expect(gallery.getByRole("img").first()).toHaveJSProperty("naturalWidth", 84);
  await results.evaluate((el) => el.scrollIntoView({ block: "start" }));
  await expect.poll(() => gallery.getByRole("img").evaluateAll((imgs) => imgs.slice(0, 18).every((i) => (i as HTMLImageElement).complete))).toBe(true);
  await shoot(page, "run-results-after");

  // The table pages over all 10,000 rows, sorted on the server.
  await results.getByRole("tab", { name: "table" }).click();
  const table = results.getByRole("table", { name: "Output rows" });
  await expect(table.locator("tbody tr")).toHaveCount(25);
  await expect(results).toContainText("Rows 1–25 of 10,000");
  await results.getByRole("button", { name: "Next page" }).click();
  await expect(results).toContainText("Rows 26–50 of 10,000");
  await table.getByRole("button", { name: /probability/ }).click();
  await expect(table.getByRole("columnheader", { name: /probability/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(results).toContainText("Rows 1–25 of 10,000");
  const probabilities = (await table.locator("tbody tr td:nth-child(3)").allTextContents()).map(Number);
  expect(probabilities).toEqual([...probabilities].sort((a, b) => a - b));
  const lowest = (await (await page.request.get(`/api/runs/${runId}/rows?sort=probability&order=asc&pageSize=1`)).json()) as { rows: string[][] };
  expect(probabilities[0]).toBe(Number(lowest.rows[0]![2]));
  await expectNoSeriousViolations(page, "the results");
});

test("a run whose every item failed is not green, and its empty result offers no download", async ({ page }) => {
  publish(
    "e2e-all-fail",
    {
      "fail.mjs": `export async function run(batch, ctx) {\n  for (const p of batch) ctx.failItem(p, "cannot read " + ctx.relativePath(p));\n  return [];\n}\n`,
    },
    `parameters:
  - { name: data, type: dataset, default: "datastore://workspace/mnist/0.png" }
steps:
${stepYaml("fail-everything", "fail.mjs", "{ param: data }")}`,
  );
  const runId = await submit(page, "e2e-all-fail");
  await page.goto(`/runs/${runId}`);
  await expect(page.getByLabel("Run status")).toHaveText("all items failed", { timeout: 60_000 });
  await expect(page.getByLabel("Run status")).toHaveAttribute("data-status", "completed");
  await expect(page.getByTestId("end-reason")).toContainText("Completed, but every item failed: 0 of 1 item succeeded");
  await expect(page.getByTestId("end-reason")).toHaveClass(/bg-red-50/);
  const results = page.getByRole("region", { name: "Results of fail-everything" });
  await expect(results).toContainText("The step wrote no rows");
  await expect(results.getByRole("link", { name: "Download CSV" })).toHaveCount(0);
});

test("compare two runs of a pipeline: parameters side by side, changed predictions and their download", async ({ page }) => {
  publish(
    "e2e-compare",
    {
      "shift.mjs": `export async function run(batch, ctx) {
  const shift = Number(ctx.args.shift ?? 0);
  return batch.map((p) => {
    const n = Number(/(\\d+)\\.png$/.exec(p)?.[1]);
    return { file: ctx.relativePath(p), digit: (n + (n % 100 === 0 ? shift : 0)) % 10 };
  });
}
`,
    },
    `parameters:
  - { name: data, type: dataset, default: mnist }
  - { name: shift, type: int, default: 0 }
steps:
${stepYaml("shift-some", "shift.mjs", "{ param: data }", "    arguments: [--shift, { param: shift }]\n")}`,
  );
  const a = await submit(page, "e2e-compare", { shift: 0 });
  const b = await submit(page, "e2e-compare", { shift: 3 });
  for (const id of [a, b]) {
    await expect
      .poll(async () => ((await (await page.request.get(`/api/runs/${id}`)).json()) as { run: { status: string } }).run.status, { timeout: 90_000 })
      .toBe("completed");
  }
  await page.goto(`/runs/${a}`);
  await page.getByRole("link", { name: "Compare with another run" }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/compare\\?a=${a}`));
  await expect(page.getByRole("heading", { level: 1, name: "Compare runs" })).toBeVisible();
  await page.getByLabel("Run B").selectOption(b);
  await expect(page).toHaveURL(new RegExp(`b=${b}`));

  const params = page.getByRole("table", { name: "Parameters side by side" });
  const shiftRow = params.getByRole("row", { name: /shift/ });
  await expect(shiftRow).toHaveAttribute("data-changed", "true");
  await expect(shiftRow).toContainText("0");
  await expect(shiftRow).toContainText("3");
  await expect(page.getByRole("table", { name: "Steps side by side" })).toContainText("items/s");
  await expect(page.getByTestId("changed-summary")).toHaveText("100 rows of 10,000 keys differ (keyed by file)");
  await expect(page.getByRole("table", { name: "Rows that changed" }).locator("tbody tr")).toHaveCount(100);
  await shoot(page, "run-compare-after");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download differences (CSV)" }).click()]);
  const lines = readFileSync(await download.path(), "utf8")
    .trim()
    .split("\n");
  expect(lines[0]).toBe(`file,change,digit (${a}),digit (${b})`);
  expect(lines).toHaveLength(101);
  expect(lines).toContain("100.png,changed,0,3");
  await expectNoSeriousViolations(page, "the comparison");
});

test("every page has a title, one h1 and no serious accessibility violation", async ({ page }) => {
  const runs = (await (await page.request.get("/api/runs?take=1")).json()) as { runs: { id: string }[] };
  const pages: [string, RegExp][] = [
    ["/", /Home/],
    ["/runs", /Runs/],
    ["/runs/compare", /Compare runs/],
    ["/data", /Data & models/],
    ["/pipelines", /Pipelines/],
    ...(runs.runs[0] ? [[`/runs/${runs.runs[0].id}`, /Run run_/] as [string, RegExp]] : []),
  ];
  for (const [path, title] of pages) {
    await page.goto(path);
    await expect(page, path).toHaveTitle(title);
    await expect(page.locator("h1"), path).toHaveCount(1);
    await expectNoSeriousViolations(page, path);
  }
});

test("at 1024x768 the live run page and its results fit the window; the run links to its pipeline version and the run it reused", async ({ page }) => {
  const first = await submit(page, "digit-identification", { batch_size_param: 2500 });
  await expect
    .poll(async () => ((await (await page.request.get(`/api/runs/${first}`)).json()) as { run: { status: string } }).run.status, { timeout: 120_000 })
    .toBe("completed");
  const second = await submit(page, "digit-identification", { batch_size_param: 2500 });

  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`/runs/${second}`);
  await expect(page.getByLabel("Run status")).toHaveText(/^completed/, { timeout: 60_000 });
  await expect(page.getByRole("region", { name: "Results of predict-digits-mnist" })).toContainText("10,000 rows");
  await expectNoHorizontalOverflow(page, "the run page at 1024x768");
  await page.getByRole("region", { name: "Results of predict-digits-mnist" }).getByRole("tab", { name: "table" }).click();
  await expect(page.getByRole("table", { name: "Output rows" }).locator("tbody tr")).toHaveCount(25);
  await expectNoHorizontalOverflow(page, "the results table at 1024x768");
  await page.screenshot({ path: test.info().outputPath("run-page-1024.png"), fullPage: true });

  // The version link serves the definition this run used; the reused run's link opens that run.
  const version = page.getByRole("link", { name: /^version \d+$/ });
  const definition = await page.request.get((await version.getAttribute("href"))!);
  expect(definition.status()).toBe(200);
  expect(await definition.text()).toContain("name: digit-identification");
  await expect(page.getByText(/Step predict-digits-mnist reused the output of/)).toBeVisible();
  await page.getByRole("link", { name: first }).click();
  await page.waitForURL(`**/runs/${first}`);
  await expect(page.getByRole("heading", { level: 1, name: first })).toBeVisible();
  await expect(page.getByText(/reused the output of/)).toHaveCount(0);
});
