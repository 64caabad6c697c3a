import { expect, type Page } from "@playwright/test";

/** Helpers shared by the designer specs. */

export const unique = (base: string) => `${base}-${Date.now().toString(36)}`;
/** Canvas nodes of one saved type (React Flow's class carries the prefix that keeps it off its built-in types). */
export const nodesOf = (type: string) => `.react-flow__node-prs-${type}`;

/** Creates a pipeline from the Pipelines page and lands in its designer. */
export async function createPipeline(page: Page, name: string): Promise<string> {
  await page.goto("/pipelines");
  await page.getByLabel("New pipeline name").fill(name);
  await page.getByRole("button", { name: "Create pipeline" }).click();
  await page.waitForURL(/\/pipelines\/pl_/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  return page.url().split("/").pop()!;
}

/** Drags a palette item onto the canvas at a point relative to the pane; returns the new node's id. */
export async function dragFromPalette(page: Page, type: string, at: { x: number; y: number }): Promise<string> {
  const before = await page.locator(nodesOf(type)).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
  await page.locator(`button[data-node-type="${type}"]`).dragTo(page.locator(".react-flow__pane"), { targetPosition: at });
  await expect(page.locator(nodesOf(type))).toHaveCount(before.length + 1);
  const after = await page.locator(nodesOf(type)).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
  return after.find((id) => !before.includes(id))!;
}
