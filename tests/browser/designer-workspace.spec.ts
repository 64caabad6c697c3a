import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createPipeline, dragFromPalette, nodesOf, unique } from "./designer-helpers";

/**
 * The designer as a workspace (issue 11, items 1-6): the full-window canvas and its panels, nodes
 * that read at a glance, authoring by dropping connections and by keyboard, pickers of registered
 * assets, parameters and numbers, import/export in Azure's spelling, and axe on the page.
 */

const handle = (page: Page, node: string, id: string) => page.locator(`.react-flow__node[data-id="${node}"] .react-flow__handle[data-handleid="${id}"]`);

/** A copy of the seeded tutorial pipeline, opened in the designer. */
async function openSampleCopy(page: Page, name: string): Promise<string> {
  const list = await (await page.request.get("/api/pipelines?search=digit-identification")).json();
  const sample = list.pipelines.find((p: { name: string }) => p.name === "digit-identification");
  const copy = await (await page.request.post(`/api/pipelines/${sample.id}/duplicate`, { data: { name } })).json();
  await page.goto(`/pipelines/${copy.id}`);
  await expect(page.locator(nodesOf("step"))).toHaveCount(1);
  return copy.id;
}

/** Presses on a port and lets go at a point: on another port it connects, on empty canvas it asks what to add. */
async function dragFromPort(page: Page, node: string, id: string, to: { x: number; y: number }) {
  const a = (await handle(page, node, id).boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + to.x) / 2, (a.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
}

async function connect(page: Page, source: string, sourceHandle: string, target: string, targetHandle: string) {
  const b = (await handle(page, target, targetHandle).boundingBox())!;
  await dragFromPort(page, source, sourceHandle, { x: b.x + b.width / 2, y: b.y + b.height / 2 });
}

async function seriousAxeViolations(page: Page) {
  // The designer's own parts: the site header and navigation have their own checks.
  const results = await new AxeBuilder({ page })
    .include(".react-flow")
    .include("nav[aria-label='Node palette']")
    .include("aside")
    .include("section[aria-label='Problems']")
    .include("[data-designer-toolbar]")
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("the canvas gets the window; palette and settings collapse and resize, and are remembered; minimap and problems are optional", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openSampleCopy(page, unique("workspace"));
  const canvas = page.getByRole("region", { name: "Pipeline canvas" });
  const wide = (await canvas.boundingBox())!;
  expect(wide.width).toBeGreaterThan(800);
  expect(wide.height).toBeGreaterThan(650);
  // No page scrolling: the workspace ends at the window's bottom.
  expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1)).toBe(true);

  await page.getByRole("button", { name: "Palette", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Node palette" })).toHaveCount(0);
  expect((await canvas.boundingBox())!.width).toBeGreaterThan(wide.width + 150);
  await page.getByRole("button", { name: "Palette", exact: true }).click();

  const splitter = page.getByRole("separator", { name: "Resize the settings panel" });
  const before = Number(await splitter.getAttribute("aria-valuenow"));
  await splitter.focus();
  await page.keyboard.press("Shift+ArrowLeft");
  await expect(splitter).toHaveAttribute("aria-valuenow", String(before + 64));

  await page.getByRole("button", { name: "Minimap", exact: true }).click();
  await expect(page.getByRole("img", { name: "Minimap of the pipeline" })).toHaveCount(0);
  const problems = page.getByRole("region", { name: "Problems" });
  await problems.getByRole("button", { name: /ready to publish/ }).click();
  await expect(problems.getByRole("button", { name: /ready to publish/ })).toHaveAttribute("aria-expanded", "true");

  await page.reload();
  await expect(page.locator(nodesOf("step"))).toHaveCount(1);
  await expect(page.getByRole("separator", { name: "Resize the settings panel" })).toHaveAttribute("aria-valuenow", String(before + 64));
  await expect(page.getByRole("img", { name: "Minimap of the pipeline" })).toHaveCount(0);
  await expect(problems.getByRole("button", { name: /ready to publish/ })).toHaveAttribute("aria-expanded", "true");

  // Back to the default width for the small window.
  await page.getByRole("separator", { name: "Resize the settings panel" }).focus();
  await page.keyboard.press("Shift+ArrowRight");
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect.poll(async () => (await canvas.boundingBox())!.width).toBeGreaterThan(400);
  await expect(page.getByRole("button", { name: "Submit run", exact: true })).toBeInViewport();
  await expect(page.getByRole("heading", { name: /^workspace-/ })).toBeInViewport();
});

test("nodes read at a glance: kind, key settings, parameter badges and typed ports with tooltips; axe finds nothing serious", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openSampleCopy(page, unique("glance"));
  const step = page.locator(nodesOf("step"));
  await expect(step).toContainText("ParallelRunStep");
  await expect(step).toContainText("image classifier");
  await expect(step).toContainText("mini_batch_size");
  await expect(step).toContainText("{batch_size_param}");
  await expect(step).toContainText("nodes × processes");
  await expect(step).toContainText("2 × {process_count_param}");
  await expect(step).toContainText("compute");
  await expect(page.locator(nodesOf("dataset"))).toContainText("default");
  await expect(page.locator(nodesOf("dataset"))).toContainText("mnist");
  // Parameters are badges and a list, not floating nodes.
  await expect(page.locator(".react-flow__node")).toHaveCount(3);
  const params = page.getByRole("region", { name: "Pipeline parameters" });
  await expect(params).toContainText("batch_size_param");
  await expect(params).toContainText("bound by predict-digits-mnist.mini_batch_size");
  // Typed ports: a colour per type and a tooltip that says what goes there.
  const inputs = step.locator('.react-flow__handle[data-handleid="inputs"]');
  await expect(inputs).toHaveAttribute("title", /datasets or an upstream step's output/);
  await expect(inputs).toHaveAttribute("role", "button");
  const model = step.locator('.react-flow__handle[data-handleid="model"]');
  expect(await inputs.evaluate((e) => getComputedStyle(e).backgroundColor)).not.toBe(await model.evaluate((e) => getComputedStyle(e).backgroundColor));

  expect(await seriousAxeViolations(page)).toEqual([]);
  await step.click({ position: { x: 60, y: 12 } });
  await expect(page.getByRole("complementary", { name: "ParallelRunStep settings" })).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);
});

test("drag-and-drop authoring of a two-step pipeline: a connection dropped on empty canvas adds a fitting node, a port connects by keyboard", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await createPipeline(page, unique("two-step"));
  const dataset = await dragFromPalette(page, "dataset", { x: 80, y: 120 });
  // The first node lands where it was dropped, not in the centre.
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  const dropped = (await page.locator(`.react-flow__node[data-id="${dataset}"]`).boundingBox())!;
  expect(Math.abs(dropped.x - (pane.x + 80))).toBeLessThan(30);
  expect(Math.abs(dropped.y - (pane.y + 120))).toBeLessThan(30);

  // The dataset picker searches what is registered and previews its files.
  const datasetPanel = page.getByRole("complementary", { name: "Dataset settings" });
  await datasetPanel.getByRole("combobox", { name: /^Dataset/ }).click();
  await datasetPanel.getByRole("combobox", { name: /^Dataset/ }).fill("mni");
  await expect(datasetPanel.getByRole("option", { name: /mnist/ })).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(datasetPanel.getByRole("combobox", { name: /^Dataset/ })).toHaveValue("mnist");
  await expect(datasetPanel.getByRole("region", { name: "Dataset preview" })).toContainText("mnist/0.png");

  const first = await dragFromPalette(page, "step", { x: 420, y: 120 });
  const stepPanel = page.getByRole("complementary", { name: "ParallelRunStep settings" });
  await stepPanel.getByLabel("Step name").fill("score-digits");
  await stepPanel.getByRole("combobox", { name: /^Model/ }).fill("mnist");
  await expect(stepPanel.getByRole("table", { name: "Signature of mnist" })).toContainText("float32");
  await stepPanel.getByRole("textbox", { name: /^Mini-batch size/ }).fill("50");
  await connect(page, dataset, "data", first, "inputs");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);

  // Dropping the step's output on empty canvas offers what may read it; the new step is connected.
  const box = (await page.locator(`.react-flow__node[data-id="${first}"]`).boundingBox())!;
  await dragFromPort(page, first, "output", { x: box.x + box.width + 220, y: box.y + 40 });
  const menu = page.getByRole("menu", { name: "Add a node connected here" });
  await expect(menu.getByRole("menuitem")).toHaveText(["ParallelRunStep (inputs)", "ParallelRunStep (side inputs)", "Output"]);
  await menu.getByRole("menuitem", { name: "ParallelRunStep (inputs)" }).click();
  await expect(page.locator(nodesOf("step"))).toHaveCount(2);
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await stepPanel.getByLabel("Step name").fill("summarize");
  await stepPanel.getByLabel("Runs").selectOption("script");
  await stepPanel.getByRole("combobox", { name: /^Entry script/ }).fill("summarize.mjs");
  const second = (await page.locator(nodesOf("step")).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")))).find((id) => id !== first)!;

  // By keyboard: focus the second step's output port, Enter, choose a new Output.
  await handle(page, second, "output").focus();
  await page.keyboard.press("Enter");
  const keyMenu = page.getByRole("menu", { name: "Connect this port" });
  await expect(keyMenu.getByRole("menuitem", { name: "ParallelRunStep (inputs)" })).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(keyMenu.getByRole("menuitem", { name: "Output" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator(nodesOf("output"))).toHaveCount(1);
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);

  const problems = page.getByRole("region", { name: "Problems" });
  await expect(problems).toContainText("No problems: ready to publish");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Published version 1" })).toBeVisible();
});

test("pickers refuse unknown names before publishing; parameters rename with their bindings; numbers keep to the contract", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const id = await openSampleCopy(page, unique("params"));
  const problems = page.getByRole("region", { name: "Problems" });
  const step = page.locator(nodesOf("step"));
  await step.click({ position: { x: 60, y: 12 } });
  const panel = page.getByRole("complementary", { name: "ParallelRunStep settings" });

  await panel.getByRole("combobox", { name: /^Model/ }).fill("nonexistent-model");
  await expect(panel.getByText("model 'nonexistent-model' is not registered: choose one of mnist")).toBeVisible();
  await expect(problems).toContainText("1 problem blocks publishing");
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  // The server says the same when asked directly.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status", { name: "Save status" })).toContainText("All changes saved");
  const refused = await page.request.post(`/api/pipelines/${id}/publish`, { data: {} });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error).toContain("model 'nonexistent-model' is not registered");
  await panel.getByRole("combobox", { name: /^Model/ }).fill("mnist");

  await panel.getByRole("textbox", { name: /^Node count/ }).fill("1000000");
  await expect(panel.getByText("node_count must be a whole number <= 100, got '1000000'")).toBeVisible();
  await panel.getByRole("textbox", { name: /^Node count/ }).fill("2");
  await panel.getByRole("textbox", { name: /^Error threshold/ }).fill("99999999999999999999999");
  await expect(panel.getByText(/error_threshold '99999999999999999999999' is too large/)).toBeVisible();
  await panel.getByRole("textbox", { name: /^Error threshold/ }).fill("10");
  await panel.getByLabel("Description").fill("Scores every digit");
  await expect(step).toContainText("Scores every digit");

  // Rename the bound parameter from the pipeline panel: the step follows.
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
  await page
    .getByRole("region", { name: "Pipeline parameters" })
    .getByRole("button", { name: /batch_size_param/ })
    .click();
  await page.getByRole("complementary", { name: "Pipeline parameter settings" }).getByLabel("Parameter name").fill("files_per_batch");
  await expect(step).toContainText("{files_per_batch}");
  await expect(problems).toContainText("No problems: ready to publish");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status", { name: "Save status" })).toContainText("All changes saved");
  const published = await page.request.post(`/api/pipelines/${id}/publish`, { data: {} });
  expect(published.status()).toBe(200);
});

test("export writes Azure's snake_case with descriptions; a file missing a field is refused naming it as written", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openSampleCopy(page, unique("azure-io"));
  await page.getByRole("complementary", { name: "Pipeline settings" }).getByLabel("Description").fill("Digits, exported");
  const downloading = page.waitForEvent("download");
  await page.getByText("Export ▾").click();
  await page.getByRole("button", { name: "Export YAML" }).click();
  const dir = mkdtempSync(join(tmpdir(), "prs-azure-io-"));
  const file = join(dir, "exported.yaml");
  await (await downloading).saveAs(file);
  const text = readFileSync(file, "utf8");
  expect(text).toContain("description: Digits, exported");
  expect(text).toContain("parallel_run_config:");
  expect(text).toContain("mini_batch_size:");
  expect(text).toContain("allow_reuse:");
  expect(text).not.toMatch(/parallelRunConfig|miniBatchSize|allowReuse/);

  // Read back as it is, into another pipeline: the descriptions come along.
  await createPipeline(page, unique("reimported"));
  await page.getByLabel("Import a pipeline definition (JSON or YAML)").setInputFiles(file);
  await expect(page.locator(nodesOf("step"))).toContainText("predict-digits-mnist");
  await expect(page.getByRole("complementary", { name: "Pipeline settings" }).getByLabel("Description")).toHaveValue("Digits, exported");

  const broken = join(dir, "broken.yaml");
  writeFileSync(broken, text.replace(/\n\s+output_action: append_row/, ""));
  await page.getByLabel("Import a pipeline definition (JSON or YAML)").setInputFiles(broken);
  await expect(page.getByRole("alert").filter({ hasText: "Import failed" })).toContainText("steps[0].parallel_run_config.output_action is required");
});
