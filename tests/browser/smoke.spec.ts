import { expect, test } from "@playwright/test";

test("the home page lists the sample pipeline, dataset and model", async ({ page, request }) => {
  const health = await (await request.get("/api/health")).json();
  expect(health).toMatchObject({ ok: true, database: "sqlite" });
  await page.goto("/");
  await expect(page.getByText("digit-identification", { exact: true }).first()).toBeVisible();
  await expect(page.getByText(/mnist:1 · file/)).toBeVisible();
});
