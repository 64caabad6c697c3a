import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { dataDir, port } from "./env";

/**
 * Issue 9: a token created on the profile page drives the CLI on a "laptop" (its own empty data
 * folder and config folder): prs login, submit --wait with the live progress line, run download.
 */

const ROOT = join(import.meta.dirname, "..", "..");
const url = `http://127.0.0.1:${port}`;

test("a token created in the UI drives prs login + submit --wait + run download", async ({ page }) => {
  const laptop = mkdtempSync(join(tmpdir(), "prs-laptop-"));
  const prs = (args: string[], env: Record<string, string> = {}) => {
    const { PRS_SERVER: _s, PRS_TOKEN: _t, DATABASE_URL: _d, ...inherited } = process.env;
    return spawnSync(process.execPath, [join(ROOT, "bin", "prs.mjs"), ...args], {
      cwd: laptop,
      env: { ...inherited, PRS_DATA_DIR: join(laptop, "data"), XDG_CONFIG_HOME: join(laptop, "config"), ...env },
      encoding: "utf8",
      timeout: 120_000,
    });
  };
  try {
    await page.goto("/profile");
    await page.getByLabel("Token name").fill("laptop CLI");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = ((await page.getByTestId("shown-once").textContent()) ?? "").trim();
    expect(token).toMatch(/^prs_/);

    const login = prs(["login", url], { PRS_TOKEN: token });
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/signed in to .* as .*\(admin\)/);

    // Inputs on the server's side, in its data folder's datastore area.
    const inputs = join(dataDir, "datastore", "cli-token-numbers");
    mkdirSync(inputs, { recursive: true });
    for (let i = 0; i < 6; i++) writeFileSync(join(inputs, `n-${i}.txt`), String(i));
    const dataset = prs(["dataset", "add", "cli-token-numbers", "--datastore", "workspace", "--path", "cli-token-numbers/*.txt"]);
    expect(dataset.status, dataset.stderr).toBe(0);

    mkdirSync(join(laptop, "square"));
    writeFileSync(
      join(laptop, "square", "score.mjs"),
      `import { readFileSync } from "node:fs";
export function run(batch, ctx) {
  return batch.map((p) => ({ file: ctx.relativePath(p), square: Number(readFileSync(p, "utf8")) ** 2 }));
}
`,
    );
    writeFileSync(
      join(laptop, "square.yaml"),
      `name: square-from-laptop
steps:
  - name: square
    inputs: [{ dataset: cli-token-numbers }]
    allow_reuse: false
    parallel_run_config:
      source_directory: square
      entry_script: score.mjs
      mini_batch_size: 2
      error_threshold: 0
      output_action: append_row
`,
    );
    const publish = prs(["pipeline", "create", "square.yaml"]);
    expect(publish.status, publish.stderr).toBe(0);

    const submit = prs(["submit", "square-from-laptop", "--wait"]);
    expect(submit.status, submit.stderr + submit.stdout).toBe(0);
    expect(submit.stderr).toMatch(/square \[#+\] mini-batches 3\/3 +items 6\/6/);
    const runId = /submitted run (run_\w+)/.exec(submit.stdout)?.[1] ?? "";

    const out = join(laptop, "square.csv");
    const download = prs(["run", "download", runId, "--out", out]);
    expect(download.status, download.stderr).toBe(0);
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toEqual([
      "file,square",
      "n-0.txt,0",
      "n-1.txt,1",
      "n-2.txt,4",
      "n-3.txt,9",
      "n-4.txt,16",
      "n-5.txt,25",
    ]);
    for (const r of [login, dataset, publish, submit, download]) expect(r.stdout + r.stderr).not.toContain(token);

    // The run is the studio's: the browser shows it, and the token's last use is recorded.
    await page.goto(`/runs/${runId}`);
    await expect(page.getByText("square-from-laptop").first()).toBeVisible();
    await page.goto("/profile");
    const row = page.getByRole("row", { name: /laptop CLI/ });
    await expect(row).not.toContainText("never");
  } finally {
    rmSync(laptop, { recursive: true, force: true });
  }
});
