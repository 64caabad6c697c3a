import AxeBuilder from "@axe-core/playwright";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, request, test } from "@playwright/test";
import { createUser } from "../../lib/auth/users";
import { dataFolderDb } from "../support/auth";
import { createPipeline, dragFromPalette, unique } from "./designer-helpers";
import { dataDir, port } from "./env";

/**
 * The designer's remaining daily-work pieces (issue 11): where a step runs (compute target picker
 * and its warnings), the entry-script picker over this pipeline's uploads, the tri-state softmax,
 * the Runs tab, and a read-only canvas for viewers.
 */

const stepPanel = (page: import("@playwright/test").Page) => page.getByRole("complementary", { name: "ParallelRunStep settings" });

test("compute target: local or a typed agent pool; an unknown pool and a local output datastore on a pool are warnings", async ({ page }) => {
  await createPipeline(page, unique("compute-target"));
  await dragFromPalette(page, "step", { x: 300, y: 120 });
  const panel = stepPanel(page);
  await panel.getByLabel("Step name").fill("remote-score");
  const target = panel.getByRole("combobox", { name: /^Compute target/ });
  await target.click();
  await expect(page.getByRole("option", { name: /^local/ })).toBeVisible();
  await target.fill("gpu-pool");
  await target.press("Tab");

  const problems = page.getByRole("region", { name: "Problems" });
  await expect(problems).toContainText("no agent of pool 'gpu-pool' is connected now: the step waits until one starts");
  await expect(problems).toContainText(
    "step remote-score runs on pool gpu-pool but its output datastore workspace is a local folder: every agent must mount it at the same path",
  );
  // Warnings, not errors: the only blocking problems are the ones of an unfinished step.
  await expect(problems.locator("li", { hasText: "gpu-pool" }).first()).toContainText("Warning");
  await expect(panel.getByText(/no agent of pool 'gpu-pool'/)).toBeVisible();

  // Back to local: the warnings go.
  await target.fill("local");
  await target.press("Tab");
  await expect(problems).not.toContainText("gpu-pool");
});

test("softmax is auto, true or false (auto by default) and kept by save and reload", async ({ page }) => {
  const id = await createPipeline(page, unique("softmax"));
  await dragFromPalette(page, "step", { x: 300, y: 120 });
  const softmax = stepPanel(page).getByRole("combobox", { name: /^Softmax/ });
  await expect(softmax).toHaveValue("auto");
  await softmax.selectOption("false");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status", { name: "Save status" })).toContainText("All changes saved");
  const draft = (await (await page.request.get(`/api/pipelines/${id}`)).json()) as { canvas: { nodes: { type: string; data: Record<string, unknown> }[] } };
  const step = draft.canvas.nodes.find((n) => n.type === "step")!;
  expect((step.data.parallelRunConfig as { scorer: { softmax?: unknown } }).scorer.softmax).toBe(false);
  await page.reload();
  await page.locator(".react-flow__node-prs-step").click();
  await expect(stepPanel(page).getByRole("combobox", { name: /^Softmax/ })).toHaveValue("false");
  await stepPanel(page)
    .getByRole("combobox", { name: /^Softmax/ })
    .selectOption("auto");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status", { name: "Save status" })).toContainText("All changes saved");
  const again = (await (await page.request.get(`/api/pipelines/${id}`)).json()) as typeof draft;
  expect(again.canvas.nodes.find((n) => n.type === "step")!.data.parallelRunConfig).toMatchObject({ scorer: { kind: "onnx-image-classifier" } });
  expect((again.canvas.nodes.find((n) => n.type === "step")!.data.parallelRunConfig as { scorer: { softmax?: unknown } }).scorer.softmax).toBeUndefined();
});

test("entry script: a folder uploaded in the step panel is offered with its files; an entry file not in it is a problem", async ({ page }) => {
  await createPipeline(page, unique("entry-picker"));
  await dragFromPalette(page, "step", { x: 300, y: 120 });
  const panel = stepPanel(page);
  await panel.getByLabel("Step name").fill("score-items");
  await panel.getByLabel("Runs").selectOption("script");

  const folder = join(dataDir, "e2e-designer-remote", unique("scripts"));
  mkdirSync(join(folder, "lib"), { recursive: true });
  writeFileSync(join(folder, "score.mjs"), 'import { double } from "./lib/helper.mjs";\nexport function run(batch) { return batch.map(double); }\n');
  writeFileSync(join(folder, "lib", "helper.mjs"), "export const double = (x) => x + x;\n");
  await panel.getByLabel("Upload a script folder").setInputFiles(folder);

  const entry = panel.getByRole("combobox", { name: /^Entry script/ });
  await expect(entry).toHaveValue("score.mjs");
  await expect(panel.getByRole("combobox", { name: /^Script folder/ })).toHaveValue(/^Upload of .*\(latest\)$/);
  await entry.click();
  await expect(page.locator("[role=listbox]:visible").getByRole("option")).toHaveText([/^lib\/helper\.mjs/, /^score\.mjs/]);
  await entry.press("Escape");

  const problems = page.getByRole("region", { name: "Problems" });
  await entry.fill("scorer.mjs");
  await entry.press("Tab");
  await expect(problems).toContainText("entry script 'scorer.mjs' is not in the uploaded folder: choose one of lib/helper.mjs, score.mjs");
  await expect(entry).toHaveAttribute("aria-invalid", "true");
  await entry.fill("score.mjs");
  await entry.press("Tab");
  await expect(problems).not.toContainText("is not in the uploaded folder");
});

test("the Runs tab lists this pipeline's runs with version, start, duration and submitter, each linking to its run", async ({ page }) => {
  const res = await page.request.post("/api/runs", { data: { pipeline: "digit-identification", parameters: { batch_size_param: 2000 } } });
  expect(res.status(), await res.text()).toBe(201);
  const runId = ((await res.json()) as { id: string }).id;
  const pipelines = (await (await page.request.get("/api/pipelines?search=digit-identification")).json()) as { pipelines: { id: string; name: string }[] };
  const pipelineId = pipelines.pipelines.find((p) => p.name === "digit-identification")!.id;

  await page.goto(`/pipelines/${pipelineId}`);
  await page.getByRole("tab", { name: "Runs" }).click();
  await expect(page.getByRole("tab", { name: "Runs" })).toHaveAttribute("aria-selected", "true");
  const runs = page.getByRole("region", { name: "Runs of this pipeline" });
  const item = runs.locator(`[data-run-id="${runId}"]`);
  await expect(item).toContainText(/Version\s*v\d+/);
  await expect(item).toContainText("Submitted by");
  await expect(item).toContainText("owner@browser.test");
  await expect(item.locator("[data-status]")).toHaveText(/completed|running|queued/, { timeout: 60_000 });
  await page.screenshot({ path: test.info().outputPath("designer-runs-tab.png") });
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  await item.getByRole("link", { name: runId }).click();
  await page.waitForURL(`**/runs/${runId}`);
  await expect(page.getByRole("heading", { name: runId })).toBeVisible();
});

test("a viewer reads the designer but cannot change the canvas: no palette, no dragging, connecting or deleting", async ({ browser, page }) => {
  const viewer = { email: `viewer-${Date.now().toString(36)}@browser.test`, name: "Vera Viewer", password: "viewer-password-123" };
  const db = await dataFolderDb(dataDir);
  try {
    await createUser(db, { ...viewer, role: "viewer" });
  } finally {
    await db.$disconnect();
  }
  const pipelines = (await (await page.request.get("/api/pipelines?search=digit-identification")).json()) as { pipelines: { id: string; name: string }[] };
  const pipelineId = pipelines.pipelines.find((p) => p.name === "digit-identification")!.id;

  const api = await request.newContext({ baseURL: `http://127.0.0.1:${port}` });
  expect((await api.post("/api/auth/sign-in", { data: { email: viewer.email, password: viewer.password } })).ok()).toBe(true);
  const context = await browser.newContext({ storageState: await api.storageState() });
  await api.dispose();
  const view = await context.newPage();
  await view.goto(`/pipelines/${pipelineId}`);
  await expect(view.getByRole("heading", { name: "digit-identification" })).toBeVisible();
  await expect(view.locator(".react-flow__node").first()).toBeVisible();

  await expect(view.getByRole("navigation", { name: "Node palette" })).toHaveCount(0);
  await expect(view.getByRole("button", { name: "Palette" })).toHaveCount(0);
  for (const name of ["Undo", "Redo", "Auto-layout", "Save", "Publish", "Submit run", "Import…"])
    await expect(view.getByRole("button", { name, exact: true })).toHaveCount(0);

  // Dragging a node leaves it where it was on the canvas (the drag pans the view); its handles take no connection.
  const step = view.locator(".react-flow__node-prs-step").first();
  const placed = () => step.evaluate((el) => (el as HTMLElement).style.transform);
  const before = await placed();
  const box = (await step.boundingBox())!;
  await step.hover();
  await view.mouse.down();
  await view.mouse.move(box.x + 200, box.y + 150, { steps: 5 });
  await view.mouse.up();
  expect(await placed()).toBe(before);
  await expect(view.locator(".react-flow__handle.connectable")).toHaveCount(0);
  const edges = await view.locator(".react-flow__edge").count();
  const output = view.locator(".react-flow__node-prs-step .react-flow__handle.source").first();
  // A port that takes no connection takes no pointer events either: the press lands on the node.
  await output.hover({ force: true });
  await view.mouse.down();
  await view.mouse.move(box.x + 320, box.y + 260, { steps: 5 });
  await view.mouse.up();
  await expect(view.getByRole("menu", { name: "Add a node connected here" })).toHaveCount(0);
  await expect(view.locator(".react-flow__edge")).toHaveCount(edges);

  // Selected, its settings are shown but cannot change; Delete removes nothing.
  await step.click();
  const panel = view.getByRole("complementary", { name: "ParallelRunStep settings" });
  await expect(panel.getByLabel("Step name")).toBeDisabled();
  await expect(panel.getByRole("button", { name: "Delete node" })).toBeDisabled();
  const nodes = await view.locator(".react-flow__node").count();
  await view.keyboard.press("Delete");
  await expect(view.locator(".react-flow__node")).toHaveCount(nodes);
  // The server refuses the viewer's writes in any case.
  expect((await view.request.put(`/api/pipelines/${pipelineId}/draft`, { data: {} })).status()).toBe(403);
  await context.close();
});
