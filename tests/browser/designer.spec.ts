import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { dataDir } from "./env";
import { createPipeline, dragFromPalette, nodesOf, unique } from "./designer-helpers";

const cliEnv = { ...process.env, PRS_DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, "studio.db")}` };

/** Adds a node with the keyboard: focus its palette item and press Enter. */
async function addWithKeyboard(page: Page, label: string, type: string): Promise<string> {
  await page.getByRole("button", { name: `Add ${label}` }).focus();
  if (type === "parameter") {
    // Parameters are listed in the side panel, not drawn on the canvas: the new one is selected.
    const panel = page.getByRole("complementary", { name: "Pipeline parameter settings" });
    await page.keyboard.press("Enter");
    await expect(panel).toBeVisible();
    return "";
  }
  const before = await page.locator(nodesOf(type)).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
  await page.keyboard.press("Enter");
  await expect(page.locator(nodesOf(type))).toHaveCount(before.length + 1);
  const after = await page.locator(nodesOf(type)).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
  return after.find((id) => !before.includes(id))!;
}

async function connect(page: Page, source: string, sourceHandle: string, target: string, targetHandle: string) {
  const from = page.locator(`.react-flow__node[data-id="${source}"] .react-flow__handle[data-handleid="${sourceHandle}"]`);
  const to = page.locator(`.react-flow__node[data-id="${target}"] .react-flow__handle[data-handleid="${targetHandle}"]`);
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function selectNode(page: Page, id: string) {
  await page.locator(`.react-flow__node[data-id="${id}"]`).click({ position: { x: 40, y: 12 } });
}

/** Output rows of a run, from the CLI's "output: <dir>" line, sorted (order across processes is not defined). */
function outputRows(cliOutput: string, fileName: string): string[] {
  const dir = /output: (.+)/.exec(cliOutput)?.[1]?.trim();
  expect(dir, cliOutput).toBeTruthy();
  return readFileSync(join(dir!, fileName), "utf8").trim().split("\n").sort();
}

test("recreates the tutorial pipeline on an empty canvas, saves, reloads and runs it like the seeded sample", async ({ page, request }) => {
  test.setTimeout(240_000);
  // The full-window canvas with nodes wide enough for their key settings: room for three in a row.
  await page.setViewportSize({ width: 1440, height: 900 });
  const name = unique("tutorial-drawn");
  const id = await createPipeline(page, name);
  await expect(page.locator(".react-flow__node")).toHaveCount(0);

  // Pipeline parameters for mini_batch_size and process_count_per_node, added with the keyboard.
  await addWithKeyboard(page, "Pipeline parameter", "parameter");
  const paramPanel = page.getByRole("complementary", { name: "Pipeline parameter settings" });
  await paramPanel.getByLabel("Parameter name").fill("batch_size_param");
  await paramPanel.getByLabel("Default value").fill("5");
  await addWithKeyboard(page, "Pipeline parameter", "parameter");
  await paramPanel.getByLabel("Parameter name").fill("process_count_param");
  await paramPanel.getByLabel("Default value").fill("2");

  // Dataset: the tutorial's mnist_param, a dataset parameter defaulting to the registered mnist dataset.
  const dataset = await dragFromPalette(page, "dataset", { x: 40, y: 60 });
  const datasetPanel = page.getByRole("complementary", { name: "Dataset settings" });
  await datasetPanel.getByLabel("Source").selectOption("parameter");
  await datasetPanel.getByLabel("Parameter name").fill("mnist_param");
  await datasetPanel.getByLabel("Default dataset").fill("mnist");

  // The ParallelRunStep and its configuration.
  const step = await dragFromPalette(page, "step", { x: 380, y: 60 });
  const stepPanel = page.getByRole("complementary", { name: "ParallelRunStep settings" });
  await stepPanel.getByLabel("Step name").fill("predict-digits-mnist");
  await stepPanel.getByRole("combobox", { name: /^Model/ }).fill("mnist");
  await stepPanel.getByLabel("Labels").fill("0, 1, 2, 3, 4, 5, 6, 7, 8, 9");
  await stepPanel.getByRole("button", { name: "Bind Mini-batch size to a pipeline parameter" }).click();
  await stepPanel.getByRole("combobox", { name: /^Mini-batch size/ }).selectOption("batch_size_param");
  await stepPanel.getByRole("textbox", { name: /^Error threshold/ }).fill("10");
  await stepPanel.getByRole("textbox", { name: /^Append-row file name/ }).fill("mnist_outputs.txt");
  await stepPanel.getByRole("textbox", { name: /^Node count/ }).fill("2");
  await stepPanel.getByRole("button", { name: "Bind Processes per node to a pipeline parameter" }).click();
  await stepPanel.getByRole("combobox", { name: /^Processes per node/ }).selectOption("process_count_param");
  await stepPanel.getByRole("textbox", { name: /^Run invocation timeout/ }).fill("60");
  await stepPanel.getByRole("textbox", { name: /^Max tries/ }).fill("3");
  await stepPanel.getByRole("combobox", { name: /^Logging level/ }).selectOption("INFO");

  // Output to the workspace datastore.
  const output = await dragFromPalette(page, "output", { x: 720, y: 60 });
  await expect(page.getByRole("complementary", { name: "Output settings" }).getByRole("combobox", { name: "Datastore" })).toHaveValue("workspace");

  await connect(page, dataset, "data", step, "inputs");
  await connect(page, step, "output", output, "in");
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await expect(page.getByRole("region", { name: "Problems" })).toContainText("No problems: ready to publish");

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status", { name: "Save status" })).toContainText("All changes saved");

  // After a reload the same graph is shown.
  await page.reload();
  // Two pipeline parameters are listed in the panel, not drawn: dataset, step and output on the canvas.
  await expect(page.locator(".react-flow__node")).toHaveCount(3);
  await expect(page.getByRole("region", { name: "Pipeline parameters" })).toContainText("batch_size_param");
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await selectNode(page, step);
  await expect(stepPanel.getByLabel("Step name")).toHaveValue("predict-digits-mnist");
  await expect(stepPanel.getByRole("combobox", { name: /^Mini-batch size/ })).toHaveValue("batch_size_param");

  // Export (the button) gives the CLI's format; the API returns the same definition.
  const downloading = page.waitForEvent("download");
  await page.getByText("Export ▾").click();
  await page.getByRole("button", { name: "Export JSON" }).click();
  const download = await downloading;
  const dir = mkdtempSync(join(tmpdir(), "prs-designer-"));
  const file = join(dir, `${name}.json`);
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, "utf8")) as { name: string; steps: { parallelRunConfig: Record<string, unknown> }[] };
  const fromApi = await (await request.get(`/api/pipelines/${id}/definition`)).json();
  expect(exported).toEqual(fromApi);
  // The drawn definition is the seeded sample's, apart from its name and description.
  const list = await (await request.get(`/api/pipelines?search=digit-identification`)).json();
  const sampleId = list.pipelines.find((p: { name: string }) => p.name === "digit-identification").id;
  const sample = await (await request.get(`/api/pipelines/${sampleId}/definition?version=1`)).json();
  type Param = { name: string; type: string; default: unknown };
  const params = (def: { parameters: Param[] }) =>
    def.parameters.map((p) => ({ name: p.name, type: p.type, default: p.default })).sort((a, b) => a.name.localeCompare(b.name));
  expect(exported.steps).toEqual(sample.steps);
  expect(params(exported as unknown as { parameters: Param[] })).toEqual(params(sample));

  // Submitted with the CLI, it gives the same output rows as the seeded sample.
  const cli = (...args: string[]) => execFileSync(process.execPath, ["bin/prs.mjs", ...args], { env: cliEnv, encoding: "utf8", timeout: 180_000 });
  expect(cli("pipeline", "create", file)).toContain(`published pipeline ${name} version 1`);
  // Both are scored now (regenerate_outputs: allow_reuse may not hand either an earlier output,
  // nor one the other), with different mini-batch sizes, and must agree row for row.
  const drawnRun = cli("submit", name, "--regenerate-outputs", "--wait");
  const sampleRun = cli("submit", "digit-identification", "--param", "batch_size_param=10", "--regenerate-outputs", "--wait");
  for (const out of [drawnRun, sampleRun]) expect(out).not.toContain("Reused the output");
  const drawnRows = outputRows(drawnRun, "mnist_outputs.txt");
  expect(drawnRows.length).toBeGreaterThanOrEqual(10_000);
  expect(drawnRows).toEqual(outputRows(sampleRun, "mnist_outputs.txt"));
  writeFileSync(join(dir, "done"), "");
});

test("invalid input shows messages and blocks submission: step name 'A', mini_batch_size 0, a dangling step", async ({ page, request }) => {
  const id = await createPipeline(page, unique("invalid-input"));
  const step = await addWithKeyboard(page, "ParallelRunStep", "step");
  const panel = page.getByRole("complementary", { name: "ParallelRunStep settings" });
  await panel.getByLabel("Step name").fill("A");
  await expect(panel.getByText("step name 'A': a step name has 3 to 32 characters")).toBeVisible();
  await expect(panel.getByLabel("Step name")).toHaveAttribute("aria-invalid", "true");
  await panel.getByRole("textbox", { name: /^Mini-batch size/ }).fill("0");
  await expect(panel.getByText(/mini_batch_size '0' is not valid/)).toBeVisible();

  const problems = page.getByRole("region", { name: "Problems" });
  await expect(problems).toContainText("problems block publishing");
  await expect(problems).toContainText("has no input: connect a Dataset or an upstream step's output");
  await expect(problems).toContainText("step name 'A'");
  await expect(problems).toContainText("mini_batch_size '0'");
  await expect(page.getByRole("button", { name: "Submit run", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Publish", exact: true })).toBeDisabled();
  await page.getByText("Export ▾").click();
  await expect(page.getByRole("button", { name: "Export JSON" })).toBeDisabled();
  await page.getByText("Export ▾").click();
  await expect(page.locator(`.react-flow__node[data-id="${step}"]`)).toContainText("problem");

  // The server refuses the same draft with the same reasons.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status", { name: "Save status" })).toContainText("All changes saved");
  const res = await request.post(`/api/pipelines/${id}/submit`, { data: {} });
  expect(res.status()).toBe(400);
  const body = await res.json();
  expect(body.error).toContain("step name 'A'");
  expect(body.error).toContain("has no input");

  // Fixing the name and size leaves only the dangling step.
  await panel.getByLabel("Step name").fill("score-images");
  await panel.getByRole("textbox", { name: /^Mini-batch size/ }).fill("10");
  await panel.getByRole("combobox", { name: /^Model/ }).fill("mnist");
  await expect(problems).toContainText("1 problem blocks publishing");
  await expect(problems).toContainText("has no input");
  await expect(page.getByRole("button", { name: "Submit run", exact: true })).toBeDisabled();
});

test("a refused connection explains why; cycles are refused", async ({ page }) => {
  await createPipeline(page, unique("refused-connection"));
  const dataset = await dragFromPalette(page, "dataset", { x: 40, y: 150 });
  const first = await dragFromPalette(page, "step", { x: 300, y: 40 });
  await page.getByRole("complementary", { name: "ParallelRunStep settings" }).getByLabel("Step name").fill("first-step");
  const second = await dragFromPalette(page, "step", { x: 300, y: 260 });
  await page.getByRole("complementary", { name: "ParallelRunStep settings" }).getByLabel("Step name").fill("second-step");

  await connect(page, dataset, "data", first, "model");
  const refused = page.getByRole("alert").filter({ hasText: "Connection refused" });
  await expect(refused).toContainText("only a Model node connects there");
  await expect(page.locator(".react-flow__edge")).toHaveCount(0);

  await connect(page, first, "output", second, "inputs");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await connect(page, second, "output", first, "inputs");
  await expect(refused).toContainText("would create a cycle");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
});

test("editing comfort: copy/paste, delete, undo/redo by keyboard, auto-layout", async ({ page }) => {
  await createPipeline(page, unique("keyboard"));
  const step = await addWithKeyboard(page, "ParallelRunStep", "step");
  await page.getByRole("complementary", { name: "ParallelRunStep settings" }).getByLabel("Step name").fill("score-images");
  await selectNode(page, step);
  await page.keyboard.press("Control+c");
  await page.keyboard.press("Control+v");
  await expect(page.locator(nodesOf("step"))).toHaveCount(2);
  await expect(page.locator(nodesOf("step")).last()).toContainText("score-images-copy");
  await page.keyboard.press("Delete");
  await expect(page.locator(nodesOf("step"))).toHaveCount(1);
  await page.keyboard.press("Control+z");
  await expect(page.locator(nodesOf("step"))).toHaveCount(2);
  await page.keyboard.press("Control+Shift+z");
  await expect(page.locator(nodesOf("step"))).toHaveCount(1);
  await page.getByRole("button", { name: "Auto-layout" }).click();
  await expect(page.getByRole("button", { name: "Undo" })).toBeEnabled();
  await expect(page.getByRole("img", { name: "Minimap of the pipeline" })).toBeVisible();
});

test("two tabs editing the same pipeline: the second save is told and can reload", async ({ page, context }) => {
  const id = await createPipeline(page, unique("two-tabs"));
  const other = await context.newPage();
  await other.goto(`/pipelines/${id}`);
  await expect(other.getByRole("status", { name: "Save status" })).toContainText("All changes saved");

  await addWithKeyboard(page, "Dataset", "dataset");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status", { name: "Save status" })).toContainText("All changes saved");

  await addWithKeyboard(other, "ParallelRunStep", "step");
  await other.getByRole("button", { name: "Save", exact: true }).click();
  const conflict = other.getByRole("alert").filter({ hasText: "saved elsewhere" });
  await expect(conflict).toBeVisible();
  await conflict.getByRole("button", { name: "Reload" }).click();
  await expect(other.locator(nodesOf("dataset"))).toHaveCount(1);
  await expect(other.locator(nodesOf("step"))).toHaveCount(0);
});

test("import a definition in the CLI's format draws it", async ({ page }) => {
  await createPipeline(page, unique("imported"));
  const yaml = execFileSync(process.execPath, ["bin/prs.mjs", "pipeline", "show", "digit-identification"], { env: cliEnv, encoding: "utf8" });
  const dir = mkdtempSync(join(tmpdir(), "prs-import-"));
  writeFileSync(join(dir, "sample.yaml"), yaml);
  await page.getByLabel("Import a pipeline definition (JSON or YAML)").setInputFiles(join(dir, "sample.yaml"));
  await expect(page.getByRole("status").filter({ hasText: "Imported 'digit-identification'" })).toBeVisible();
  await expect(page.locator(nodesOf("step"))).toContainText("predict-digits-mnist");
  await expect(page.getByRole("region", { name: "Problems" })).toContainText("No problems");
});

test("data page: register a datastore (secret write-only), preview and create a dataset, upload an ONNX model", async ({ page, request }) => {
  await page.goto("/data");
  const stores = page.getByRole("form", { name: "Register a datastore" });
  const storeName = unique("blob");
  await stores.getByLabel("Datastore name").fill(storeName);
  await stores.getByLabel("Kind").selectOption("azure-blob");
  await stores.getByLabel("Container").fill("sampledata");
  await stores.getByLabel("Authentication").selectOption("connection-string");
  const secret =
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1";
  await stores.getByLabel("Secret").fill(secret);
  await stores.getByRole("button", { name: "Register datastore" }).click();
  await expect(page.getByRole("region", { name: "Datastores" })).toContainText(`${storeName} · azure-blob · container sampledata · secret set (write-only)`);
  await expect(stores.getByLabel("Secret")).toHaveValue("");
  const listed = await (await request.get("/api/datastores")).text();
  expect(listed).toContain(storeName);
  expect(listed).not.toContain("c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du");

  const datasets = page.getByRole("form", { name: "Create a dataset" });
  await datasets.getByLabel("Paths").fill("mnist/");
  await datasets.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("region", { name: "Dataset preview" })).toContainText("10,000 files match");
  await expect(page.getByRole("region", { name: "Dataset preview" })).toContainText("mnist/0.png");
  const dsName = unique("digits");
  await datasets.getByLabel("Dataset name").fill(dsName);
  await datasets.getByRole("button", { name: "Create dataset" }).click();
  await expect(page.getByRole("region", { name: "Datasets" })).toContainText(`${dsName}:1`);

  const models = page.getByRole("form", { name: "Upload an ONNX model" });
  const modelName = unique("digits-model");
  await models.getByLabel("Model name").fill(modelName);
  await models.getByLabel("ONNX file").setInputFiles(join(dataDir, "assets", "mnist.onnx"));
  await models.getByRole("button", { name: "Upload model" }).click();
  const registered = page.getByRole("status").filter({ hasText: `Registered ${modelName}:1` });
  await expect(registered).toBeVisible();
  await expect(registered.getByRole("table")).toContainText("float32");
});

test("Submit run in the designer publishes, then asks for the experiment and parameter values", async ({ page, request }) => {
  const list = await (await request.get(`/api/pipelines?search=digit-identification`)).json();
  const sample = list.pipelines.find((p: { name: string }) => p.name === "digit-identification");
  await page.goto(`/pipelines/${sample.id}`);
  await page.getByRole("button", { name: "Submit run", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("batch_size_param")).toHaveValue("5");
  await dialog.getByLabel("Experiment").fill("from-designer");
  await dialog.getByLabel("batch_size_param").fill("1000");
  await dialog.getByRole("button", { name: "Submit run", exact: true }).click();
  await page.waitForURL(/\/runs\/run_/);
  const runId = page.url().split("/").pop()!;
  const run = await (await request.get(`/api/runs/${runId}`)).json();
  expect(JSON.stringify(run)).toContain("from-designer");
});
