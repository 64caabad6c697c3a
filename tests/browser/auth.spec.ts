import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Browser, expect, type Page, request, test } from "@playwright/test";
import { routes } from "../../lib/contracts/api/routes";
import { dataDir, port } from "./env";

/**
 * Sign-in end to end on a studio of its own: `npm start` (scripts/start.mjs) on a fresh data
 * folder prints the one-time owner set-up link; the owner opens it, creates the admin account and
 * finds the sample pipeline; the link then no longer works. The owner invites a viewer, who signs
 * up through the invite link, sees the runs, downloads the CSV, and is offered no Submit, Publish
 * or Delete. Anonymous callers get 401 from every API route but sign-in, invite and health.
 */

const ownPort = port + 50;
const ownData = `${dataDir}-owner`;
const base = `http://127.0.0.1:${ownPort}`;
const OWNER = { email: "owner@studio.test", name: "Olivia Owner", password: "owner-password-1" };
const VIEWER = { email: "viewer@studio.test", name: "Victor Viewer", password: "viewer-password-1" };

let server: ChildProcess | undefined;
let output = "";

test.describe.configure({ mode: "serial" });
test.use({ storageState: { cookies: [], origins: [] }, baseURL: base });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  rmSync(ownData, { recursive: true, force: true });
  // The sample's trained model and images come from the main test server's data folder (training
  // them again takes minutes); the database, accounts and registrations start empty.
  for (const part of ["assets/mnist.onnx", "datastore/mnist", "datastore/mnist_labels.csv"]) {
    if (existsSync(join(dataDir, part))) cpSync(join(dataDir, part), join(ownData, part), { recursive: true });
  }
  server = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(ownPort), HOST: "127.0.0.1", PRS_DATA_DIR: ownData, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  server.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await expect.poll(() => /\/invite\?token=\S+/.test(output), { timeout: 540_000, intervals: [1000] }).toBe(true);
});

test.afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
});

const setupLink = () => /(http:\/\/\S+\/invite\?token=\S+)/.exec(output)?.[1] ?? "";

async function signedInPage(browser: Browser, who: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await page.goto("/runs");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fruns/);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${base}/runs`);
  return page;
}

test("npm start prints a one-time owner set-up link; the owner creates the admin account and finds the sample pipeline", async ({ page }) => {
  expect(output).toContain("No account exists yet");
  const link = setupLink();
  expect(link.startsWith(`${base}/invite?token=`)).toBe(true);

  // Before anything: every page sends to sign-in, which points at the printed link.
  await page.goto("/pipelines");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Set up the owner account first" })).toBeVisible();

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Set up the owner account" })).toBeVisible();
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Name").fill(OWNER.name);
  await page.getByLabel(/^Password/).fill(OWNER.password);
  await page.getByLabel("Repeat password").fill(OWNER.password);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page).toHaveURL(`${base}/`);
  await expect(page.getByRole("link", { name: /Olivia Owner/ })).toBeVisible();
  await page.goto("/pipelines");
  await expect(page.getByRole("link", { name: "digit-identification" })).toBeVisible();

  // The session cookie: HttpOnly, SameSite=Lax (not Secure: this studio is served over http).
  const cookie = (await page.context().cookies()).find((c) => c.name === "prs_session");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");

  // The link worked once.
  const again = await (await page.context().browser()!.newContext()).newPage();
  await again.goto(link);
  await expect(again.getByText(/owner account exists already/)).toBeVisible();
});

test("anonymous callers get 401 from every API route except sign-in, invite acceptance and health", async () => {
  const api = await request.newContext({ baseURL: base });
  const open: string[] = [];
  for (const route of Object.values(routes)) {
    const path = route.path.replace(/\{(\w+)\}/g, "x1");
    const res = await api.fetch(path, {
      method: route.method,
      headers: { "content-type": "application/json" },
      data: route.method === "GET" ? undefined : "{}",
    });
    if (res.status() !== 401) open.push(`${route.method} ${route.path}: ${res.status()}`);
  }
  expect(open.sort()).toEqual(["GET /api/health: 200", "POST /api/auth/invite: 400", "POST /api/auth/sign-in: 400"]);
  await api.dispose();
});

test("the owner invites a viewer, who sees runs and downloads the CSV but has no Submit, Publish or Delete", async ({ browser }) => {
  test.setTimeout(900_000);
  const owner = await signedInPage(browser, OWNER);
  // A finished run to look at, submitted by the owner through the API with their session.
  const submitted = await owner.request.post("/api/runs", { data: { pipeline: "digit-identification", experiment: "viewer-check" } });
  expect(submitted.status()).toBe(201);
  const runId = ((await submitted.json()) as { id: string }).id;

  await owner.goto("/settings");
  await owner.getByRole("combobox", { name: "Role of the invitee" }).selectOption("viewer");
  await owner.getByRole("button", { name: "Create invite link" }).click();
  const inviteLink = (await owner.getByTestId("shown-once").textContent()) ?? "";
  expect(inviteLink).toContain("/invite?token=");

  const viewer = await (await browser.newContext({ baseURL: base })).newPage();
  await viewer.goto(inviteLink);
  await expect(viewer.getByText("You are invited as a viewer.")).toBeVisible();
  await viewer.getByLabel("Email").fill(VIEWER.email);
  await viewer.getByLabel("Name").fill(VIEWER.name);
  await viewer.getByLabel(/^Password/).fill(VIEWER.password);
  await viewer.getByLabel("Repeat password").fill(VIEWER.password);
  await viewer.getByRole("button", { name: "Create account" }).click();
  await expect(viewer.getByRole("link", { name: /Victor Viewer/ })).toBeVisible();

  await viewer.goto("/runs");
  await expect(viewer.getByRole("link", { name: new RegExp(runId) })).toBeVisible();
  await expect(viewer.getByRole("button", { name: /Submit/ })).toHaveCount(0);
  await expect
    .poll(async () => ((await (await owner.request.get(`/api/runs/${runId}`)).json()) as { run: { status: string } }).run.status, {
      timeout: 600_000,
      intervals: [2000],
    })
    .toBe("completed");
  await viewer.goto(`/runs/${runId}`);
  const [download] = await Promise.all([viewer.waitForEvent("download"), viewer.getByRole("link", { name: "Download CSV" }).click()]);
  const csv = readFileSync(await download.path(), "utf8")
    .trim()
    .split("\n");
  expect(csv.length).toBe(10_001);
  await expect(viewer.getByText(`submitted by ${OWNER.email}`)).toBeVisible();
  for (const name of [/Submit/, /Resubmit/, /^Delete$/, /^Cancel$/, /^Resume$/]) await expect(viewer.getByRole("button", { name })).toHaveCount(0);

  await viewer.goto("/pipelines");
  await expect(viewer.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  await expect(viewer.getByRole("form", { name: "Create a pipeline" })).toHaveCount(0);
  await viewer.getByRole("link", { name: "digit-identification", exact: true }).click();
  // The canvas is drawn, read-only: no editing tools (designer-remote.spec checks the canvas itself).
  await expect(viewer.locator(".react-flow__node").first()).toBeVisible();
  for (const name of ["Save", "Publish", "Submit run", "Auto-layout"]) await expect(viewer.getByRole("button", { name, exact: true })).toHaveCount(0);

  // The server refuses the viewer too (the hidden buttons are a courtesy, not the protection).
  const refused = await viewer.request.delete(`/api/runs/${runId}`);
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: string }).error).toContain("needs the editor role");

  await viewer.goto("/settings");
  await expect(viewer.getByRole("heading", { name: "Admins only" })).toBeVisible();

  // The owner's audit log names who submitted and who joined.
  await owner.goto("/settings/audit");
  const log = owner.getByRole("table", { name: "Audit log" });
  await expect(log.getByRole("row").filter({ hasText: "run.submit" }).filter({ hasText: OWNER.email })).toHaveCount(1);
  await expect(log.getByRole("row").filter({ hasText: "user.join" }).filter({ hasText: VIEWER.email })).toHaveCount(1);
});
