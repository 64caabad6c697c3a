import { expect, test } from "@playwright/test";

test("the home page lists the sample pipeline, dataset and model", async ({ page, request }) => {
  const health = await (await request.get("/api/health")).json();
  expect(health).toMatchObject({ ok: true, database: "sqlite" });
  await page.goto("/");
  await expect(page.getByText("digit-identification", { exact: true }).first()).toBeVisible();
  await expect(page.getByText(/mnist:1 · file/)).toBeVisible();
});

test("pages carry the security headers and run under their Content-Security-Policy without a violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/pipelines");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'.*frame-ancestors 'none'/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("same-origin");
  await expect(page.getByText("digit-identification").first()).toBeVisible();
  expect(violations).toEqual([]);
});

test("another site's text/plain POST is 403, a foreign Host is 421, the CLI's requests pass", async ({ request }) => {
  const crossOrigin = await request.post("/api/datastores", {
    headers: { Origin: "http://evil.example", "Content-Type": "text/plain" },
    data: JSON.stringify({ name: "rootfs", kind: "local", root: "/" }),
  });
  expect(crossOrigin.status()).toBe(403);
  expect((await crossOrigin.json()).error).toMatch(/another site/);
  expect(crossOrigin.headers()["x-content-type-options"]).toBe("nosniff");

  for (const path of ["/", "/api/runs"]) {
    const rebound = await request.get(path, { headers: { Host: "evil.example" } });
    expect(rebound.status(), path).toBe(421);
  }
  const datastores = await (await request.get("/api/datastores")).json();
  expect(datastores.datastores.map((d: { name: string }) => d.name)).not.toContain("rootfs");
});
