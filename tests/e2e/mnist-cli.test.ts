import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";

/**
 * The tutorial through the CLI on a fresh data folder: first start creates everything, the sample
 * pipeline scores 10,000 images, and the resubmission with one image gives one row.
 */
describe("MNIST tutorial through the prs CLI", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "prs-mnist-"));
  const env = { ...process.env, PRS_DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, "studio.db")}` };
  const prs = (...args: string[]) => spawnSync(process.execPath, ["bin/prs.mjs", ...args], { env, encoding: "utf8", timeout: 600_000 });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test("setup, submit --wait, download: 10,000 rows, >= 97.5% correct", () => {
    const setup = prs("setup");
    assert.equal(setup.status, 0, setup.stderr);
    const submit = prs("submit", "digit-identification", "--experiment", "digit-identification", "--wait");
    assert.equal(submit.status, 0, submit.stderr + submit.stdout);
    const runId = /submitted run (run_\w+)/.exec(submit.stdout)?.[1];
    assert.ok(runId);
    assert.match(submit.stderr, /predict-digits-mnist \[#+\] mini-batches 2000\/2000 +items 10000\/10000/);
    const out = join(dataDir, "out.csv");
    const download = prs("run", "download", runId, "--out", out);
    assert.equal(download.status, 0, download.stderr);
    const rows = readFileSync(out, "utf8").trimEnd().split("\n");
    assert.equal(rows[0], "file,label,probability");
    assert.equal(rows.length, 10_001);
    const labels = new Map(
      readFileSync(join(dataDir, "datastore", "mnist_labels.csv"), "utf8")
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",") as [string, string]),
    );
    let correct = 0;
    for (const row of rows.slice(1)) {
      const [file, label] = row.split(",");
      if (labels.get(file!) === label) correct++;
    }
    assert.ok(correct / 10_000 >= 0.975, `accuracy ${correct / 100}%`);
    // Input order: 0.png, 1.png, ... as listed.
    assert.equal(rows[1]!.split(",")[0], "0.png");

    const logs = prs("run", "logs", runId);
    assert.match(logs.stdout, /Completed: 10000 of 10000 items succeeded/);
  });

  test("resubmission with one image, batch size 1, one process gives one row", () => {
    const submit = prs(
      "submit",
      "digit-identification",
      "--param",
      "mnist_param=datastore://workspace/mnist/0.png",
      "--param",
      "batch_size_param=1",
      "--param",
      "process_count_param=1",
      "--wait",
    );
    assert.equal(submit.status, 0, submit.stderr + submit.stdout);
    const runId = /submitted run (run_\w+)/.exec(submit.stdout)![1]!;
    const download = prs("run", "download", runId);
    assert.deepEqual(download.stdout.trimEnd().split("\n").length, 2);
    assert.match(download.stdout, /^file,label,probability\n0\.png,7,/);
  });

  test("bad input on the command line gives a clear error and exit code 2", () => {
    const bad = prs("submit", "digit-identification", "--param", "batch_size_param=abc");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Parameter 'batch_size_param' must be a whole number, got 'abc'/);
    const zero = prs("submit", "digit-identification", "--param", "batch_size_param=0");
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /mini_batch_size '0' is not valid for file data/);
    const unknown = prs("submit", "no-such-pipeline");
    assert.equal(unknown.status, 3);
    assert.match(unknown.stderr, /Pipeline 'no-such-pipeline' does not exist/);
  });
});
