import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createApiToken, revokeApiToken } from "../../lib/auth/api-tokens";
import type { Db } from "../../lib/db/client";
import { dataFolderDb, makeTestUser, type TestUser } from "../support/auth";
import { trainedMnistModel } from "../unit/mnist/trained-model";

/**
 * Issue 9, item 4: a laptop drives a running studio through the CLI. The real server (npm start's
 * scripts/start.mjs: web server and worker pool) runs on its own data folder; the CLI runs with
 * another, empty one and its own config folder, so everything it does goes through the API.
 */

const ROOT = join(import.meta.dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "prs-cli-remote-"));
// The server's data folder lives in here: its worker user (nobody, when the suite runs as root)
// must be able to pass through to the uploaded scripts and the inputs.
chmodSync(work, 0o711);
const serverData = join(work, "server-data");
const laptop = join(work, "laptop");
const config = join(laptop, "config");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, log: () => string): Promise<void> {
  // A first start builds the web app: on a loaded machine that takes minutes.
  for (let i = 0; i < 1200; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited ${server.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the server did not answer at ${url}:\n${log()}`);
}

/** The CLI as a user runs it on their laptop: its own (empty) data folder and config folder. */
function prs(args: string[], env: Record<string, string | undefined> = {}, input?: string) {
  const { PRS_SERVER: _s, PRS_TOKEN: _t, DATABASE_URL: _d, ...inherited } = process.env;
  return spawnSync(process.execPath, [join(ROOT, "bin", "prs.mjs"), ...args], {
    cwd: laptop,
    env: { ...inherited, PRS_DATA_DIR: join(laptop, "data"), XDG_CONFIG_HOME: config, ...env },
    encoding: "utf8",
    input,
    timeout: 300_000,
  });
}

describe("prs against a running studio", () => {
  let server: ChildProcess;
  let url = "";
  let output = "";
  let db: Db;
  let admin: TestUser;

  before(async () => {
    mkdirSync(laptop, { recursive: true });
    // The sample's model, trained once for the whole suite, so that the first start skips training.
    mkdirSync(join(serverData, "assets"), { recursive: true });
    copyFileSync((await trainedMnistModel()).path, join(serverData, "assets", "mnist.onnx"));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [join(ROOT, "scripts", "start.mjs")], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", PRS_DATA_DIR: serverData, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    server.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    server.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    await waitForHealth(url, server, () => output.slice(-4000));
    // Users and tokens made through the same code as the profile page, in the server's database.
    db = await dataFolderDb(serverData);
    admin = await makeTestUser(db, "admin");
  });

  after(async () => {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      process.kill(-server.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
    }
    await db?.$disconnect();
    rmSync(work, { recursive: true, force: true });
  });

  test("login, register, publish with an uploaded entry script, submit --wait with live progress, download the CSV", () => {
    const token = admin.token;
    const login = prs(["login", url], {}, `${token}\n`);
    assert.equal(login.status, 0, login.stderr);
    assert.match(login.stdout, new RegExp(`signed in to ${url} as ${admin.email} \\(admin\\)`));
    const file = join(config, "prs", "config.json");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(config, "prs")).mode & 0o777, 0o700);

    // Inputs on the server, in its data folder's datastore area (an allowed local root).
    const inputs = join(serverData, "datastore", "numbers");
    mkdirSync(inputs, { recursive: true });
    for (let i = 0; i < 12; i++) writeFileSync(join(inputs, `n-${String(i).padStart(2, "0")}.txt`), String(i));

    const datastore = prs(["datastore", "add", "numbers", "--kind", "local", "--root", inputs]);
    assert.equal(datastore.status, 0, datastore.stderr);
    assert.match(datastore.stdout, /registered datastore numbers \(local .*numbers\)/);
    const dataset = prs(["dataset", "add", "numbers", "--datastore", "numbers", "--path", "*.txt"]);
    assert.equal(dataset.status, 0, dataset.stderr);
    assert.match(dataset.stdout, /registered dataset numbers:1 \(file, numbers: \*\.txt\)/);

    // The entry script lives on the laptop only: pipeline create uploads its folder.
    const source = join(laptop, "double");
    mkdirSync(join(source, "lib"), { recursive: true });
    writeFileSync(join(source, "lib", "twice.mjs"), "export const twice = (n) => 2 * n;\n");
    writeFileSync(
      join(source, "score.mjs"),
      `import { readFileSync } from "node:fs";
import { twice } from "./lib/twice.mjs";
export function run(batch, ctx) {
  return batch.map((path) => ({ file: ctx.relativePath(path), doubled: twice(Number(readFileSync(path, "utf8"))) }));
}
`,
    );
    writeFileSync(
      join(laptop, "double.yaml"),
      `name: double-numbers
steps:
  - name: double
    inputs: [{ dataset: numbers }]
    allow_reuse: false
    parallel_run_config:
      source_directory: double
      entry_script: score.mjs
      mini_batch_size: 3
      error_threshold: 0
      output_action: append_row
      append_row_file_name: doubled.csv
      process_count_per_node: 2
`,
    );
    const publish = prs(["pipeline", "create", "double.yaml"]);
    assert.equal(publish.status, 0, publish.stderr);
    assert.match(publish.stdout, /uploaded double: 2 files from .*double/);
    assert.match(publish.stdout, /published pipeline double-numbers version 1/);

    const submit = prs(["submit", "double-numbers", "--experiment", "from-laptop", "--wait"]);
    assert.equal(submit.status, 0, submit.stderr + submit.stdout);
    const runId = /submitted run (run_\w+)/.exec(submit.stdout)?.[1];
    assert.ok(runId, submit.stdout);
    assert.match(submit.stderr, /double \[#+\] mini-batches 4\/4 +items 12\/12 +failed 0/);
    assert.match(submit.stdout, new RegExp(`run ${runId} completed`));

    const out = join(laptop, "doubled.csv");
    const download = prs(["run", "download", runId, "--out", out]);
    assert.equal(download.status, 0, download.stderr);
    const rows = readFileSync(out, "utf8").trimEnd().split("\n");
    assert.equal(rows[0], "file,doubled");
    assert.deepEqual(
      rows.slice(1),
      Array.from({ length: 12 }, (_, i) => `n-${String(i).padStart(2, "0")}.txt,${2 * i}`),
    );

    const logs = prs(["run", "logs", runId]);
    assert.equal(logs.status, 0, logs.stderr);
    assert.match(logs.stdout, /== double\n-- job_result\.txt\n.*12 of 12 items succeeded/);

    const list = prs(["run", "list"]);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${runId}\\tfrom-laptop\\tdouble-numbers\\tcompleted`));

    // Nothing was done on the laptop's own data folder; the token was never printed.
    assert.ok(!existsSync(join(laptop, "data")), "the CLI did not open a local data folder");
    for (const r of [login, datastore, dataset, publish, submit, download, logs, list])
      assert.ok(!(r.stdout + r.stderr).includes(token), "the token was printed");

    const local = prs(["run", "list", "--local"]);
    assert.equal(local.status, 0, local.stderr);
    assert.equal(local.stdout, "", "--local lists the laptop's own (empty) data folder");
  });

  test("a revoked token exits 8 telling to log in again; a viewer's token exits 9 naming the role; a bad token is never kept", async () => {
    const created = await createApiToken(db, admin.actor, { name: "to revoke" });
    const login = prs(["login", url], { PRS_TOKEN: created.token });
    assert.equal(login.status, 0, login.stderr);
    await revokeApiToken(db, admin.actor, created.id);
    const revoked = prs(["run", "list"]);
    assert.equal(revoked.status, 8, revoked.stderr);
    assert.match(
      revoked.stderr,
      new RegExp(`the studio at ${url} refused the token \\(.+\\): it may have been revoked or have expired; run prs login ${url} again`),
    );
    assert.ok(!revoked.stderr.includes(created.token));

    const wrong = prs(["login", url], { PRS_TOKEN: "prs_not-a-real-token" });
    assert.equal(wrong.status, 8, wrong.stderr);
    assert.match(wrong.stderr, /refused the token \(.+\): copy it whole from your profile page, or create a new one there; nothing was stored/);
    assert.match(
      JSON.parse(readFileSync(join(config, "prs", "config.json"), "utf8")).token,
      new RegExp(`^${created.token}$`),
      "the refused token was not stored",
    );

    const viewer = await makeTestUser(db, "viewer");
    const asViewer = { PRS_SERVER: url, PRS_TOKEN: viewer.token };
    const listed = prs(["run", "list"], asViewer);
    assert.equal(listed.status, 0, listed.stderr);
    const refused = prs(["submit", "double-numbers"], asViewer);
    assert.equal(refused.status, 9, refused.stderr);
    assert.match(refused.stderr, /refused: .*editor.*; ask an admin for that role/);
  });

  test("an unreachable server exits 7 with the address; logout forgets the login", async () => {
    const closed = await freePort();
    const unreachable = prs(["run", "list"], { PRS_SERVER: `http://127.0.0.1:${closed}`, PRS_TOKEN: "anything" });
    assert.equal(unreachable.status, 7, unreachable.stderr);
    assert.match(unreachable.stderr, new RegExp(`cannot reach the studio at http://127\\.0\\.0\\.1:${closed}: connection refused`));
    assert.doesNotMatch(unreachable.stderr, /anything/);

    const logout = prs(["logout"]);
    assert.equal(logout.status, 0, logout.stderr);
    assert.match(logout.stdout, new RegExp(`signed out of ${url}`));
    const whoami = prs(["whoami"]);
    assert.match(whoami.stdout, /not signed in to a studio/);
  });
});
