import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { minimalPath } from "../../lib/engine/child-env";
import { testEntryScript } from "../../lib/engine/local-test";
import { diedOfHeapExhaustion } from "../../lib/engine/memory-limit";
import { protectDataFolder, protectedDataFiles, resolveWorkerUser } from "../../lib/engine/worker-user";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline, runPipeline } from "../support/factories";

/** Settings of the studio's own environment that no entry script may see. */
const STUDIO_SECRETS: Record<string, string> = {
  DATABASE_URL: "postgresql://studio:db-password-must-not-leak@127.0.0.1/studio",
  REDIS_URL: "redis://:redis-password-must-not-leak@127.0.0.1:6379",
  PRS_SECRET_KEY: "secret-key-must-not-leak",
  PRS_TOKEN: "api-token-must-not-leak",
  AZURE_STORAGE_CONNECTION_STRING: "AccountKey=account-key-must-not-leak",
};

/** Entry script: writes its environment and node flags into the output folder, one file per process. */
const DUMP_ENV = `
import { writeFileSync } from "node:fs";
import { join } from "node:path";
export function run(batch, ctx) {
  const seen = { env: process.env, execArgv: process.execArgv };
  writeFileSync(join(ctx.outputDir, "env-" + ctx.processId + ".json"), JSON.stringify(seen));
  return batch.map((p) => ctx.relativePath(p));
}
`;

function assertNoStudioSettings(env: Record<string, string>): void {
  for (const name of Object.keys(STUDIO_SECRETS)) assert.equal(env[name], undefined, `${name} reached the entry script`);
  assert.deepEqual(
    Object.keys(env).filter((name) => name.startsWith("PRS_")),
    [],
  );
  assert.doesNotMatch(JSON.stringify(env), /must-not-leak/);
}

/**
 * Hooks of a describe block: a context with 23 items, and the studio's secrets set in this
 * process's environment (where a worker would inherit them), restored afterwards.
 */
function withStudioSecrets(use: (ctx: TestContext) => void): void {
  let ctx: TestContext | undefined;
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    ctx = await makeItemsContext(23);
    use(ctx);
    for (const [name, value] of Object.entries(STUDIO_SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await ctx?.cleanup();
  });
}

function attempts(ctx: TestContext, runId: string): string[] {
  const file = join(ctx.env.dataDir, "runs", runId, "score-items", "logs", "sys", "job_report", "processed_mini-batches.csv");
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(1);
}

describe("entry scripts are contained: scrubbed environment, memory limit per process", () => {
  let ctx: TestContext;
  withStudioSecrets((c) => {
    ctx = c;
  });

  test("a worker sees its declared environment_variables, a minimal PATH and a HOME in the step folder; none of the studio's settings", async () => {
    const script = makeEntryScript(ctx, "dump-env.mjs", DUMP_ENV);
    const config = { environment_variables: { MY_SETTING: "42" }, process_count_per_node: 1, process_memory_limit: 512 };
    const { status, reason, step, run } = await runPipeline(ctx, makePipeline("dump-env", script, "items", { config }));
    assert.equal(status, "completed", reason);
    const seen = JSON.parse(readFileSync(join(step.outputDir, "env-0.json"), "utf8")) as { env: Record<string, string>; execArgv: string[] };
    const { env } = seen;
    assert.ok(seen.execArgv.includes("--max-old-space-size=512"), seen.execArgv.join(" "));
    assertNoStudioSettings(env);
    assert.equal(env.MY_SETTING, "42");
    assert.equal(env.PATH, minimalPath());
    const home = env.HOME ?? "";
    assert.ok(home.startsWith(join(run.runDir, "score-items")), home);
    assert.ok(statSync(home).isDirectory());
  });

  test("prs test-script runs the script with the same scrubbed environment", async () => {
    const script = makeEntryScript(ctx, "env-names.mjs", "export function run(batch) { return batch.map(() => JSON.stringify(process.env)); }");
    const { result, output } = await testEntryScript({ script, files: [join(ctx.workspace, "items", "item-000.txt")] });
    assert.equal(result.status, "RUN_DONE", result.error);
    assertNoStudioSettings(JSON.parse(output.trim()) as Record<string, string>);
  });

  test("a process over process_memory_limit is stopped: its mini-batch fails with the memory message, the run goes on", async () => {
    // item-007 grows native memory (Buffers) step by step; item-013 grows the JavaScript heap at
    // once. Either enforcement (resident memory polled by the agent, V8's heap limit) may stop
    // the heap one first: both report the same message.
    const script = makeEntryScript(
      ctx,
      "greedy.mjs",
      `const held = [];
export async function run(batch, ctx) {
  if (batch.some((p) => p.endsWith("item-007.txt"))) {
    for (let i = 0; i < 40; i++) {
      held.push(Buffer.alloc(50 * 1024 * 1024, 1));
      await new Promise((r) => setTimeout(r, 30));
    }
  }
  if (batch.some((p) => p.endsWith("item-013.txt"))) {
    for (;;) held.push(new Array(1_000_000).fill(Math.random()));
  }
  return batch.map((p) => ctx.relativePath(p));
}`,
    );
    const definition = makePipeline("greedy", script, "items", { config: { process_memory_limit: 200, run_max_try: 2 } });
    const { status, reason, step, run } = await runPipeline(ctx, definition);
    assert.equal(status, "completed", reason);
    assert.equal(step.failedMiniBatches, 2);
    assert.equal(step.succeededItems, 13);
    const rows = readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n");
    assert.equal(rows.length, 13);
    const overLimit = attempts(ctx, run.id).filter((line) => line.includes("MEMORY_LIMIT"));
    assert.deepEqual(overLimit.map((line) => line.split(",")[0]).sort(), ["1", "1", "2", "2"]);
    for (const line of overLimit) assert.match(line, /process exceeded its memory limit of 200 MB/);
    const jobError = join(run.runDir, "score-items", "logs", "job_error.txt");
    assert.ok(existsSync(jobError));
    assert.match(readFileSync(jobError, "utf8"), /MEMORY_LIMIT: process exceeded its memory limit of 200 MB/);
  });

  test("node's own abort past its heap limit is recognised as the memory limit", () => {
    const grow = "const held = []; for (;;) held.push(new Array(1_000_000).fill(Math.random()));";
    const child = spawnSync(process.execPath, ["--max-old-space-size=64", "-e", grow], { encoding: "utf8" });
    assert.ok(diedOfHeapExhaustion(child.status, child.signal, child.stderr), `status ${child.status}, signal ${child.signal}: ${child.stderr.slice(-300)}`);
    assert.equal(diedOfHeapExhaustion(1, null, child.stderr), false);
    assert.equal(diedOfHeapExhaustion(null, "SIGABRT", "Assertion failed"), false);
  });
});

/**
 * Entry script of the worker-user test: prints its environment, tries the database and the key
 * file, and records what happened as its output row; one mini-batch grows the heap without end.
 */
const PROBE = `
import { readFileSync } from "node:fs";
const tryRead = (file) => { try { readFileSync(file); return "read"; } catch (error) { return error.code; } };
const held = [];
export function run(batch, ctx) {
  console.log(JSON.stringify(process.env));
  if (batch.some((p) => p.endsWith("item-012.txt"))) for (;;) held.push(new Array(1_000_000).fill(Math.random()));
  const probe = { uid: process.getuid(), database: tryRead(ctx.args.database), key: tryRead(ctx.args.key) };
  return batch.map((p) => ctx.relativePath(p) + " " + JSON.stringify(probe));
}
`;

const asRoot = process.getuid?.() === 0;

describe("entry scripts run as the unprivileged worker user when the studio is root", {
  skip: asRoot ? false : "the suite is not running as root: workers cannot switch users",
}, () => {
  let ctx: TestContext;
  withStudioSecrets((c) => {
    ctx = c;
  });

  test("no secret in its output, EACCES on the database and secret.key, the greedy mini-batch failed for memory, the rest completed", async () => {
    const user = resolveWorkerUser(undefined);
    assert.ok(user, "root resolves the default worker user");
    assert.equal(user.name, "nobody");
    ctx.workerUser = user;
    // What appContext does at start: the database and the key 0600, the data folder 0711.
    protectDataFolder(ctx.env.dataDir, ctx.env.databaseUrl, user);
    const database = join(ctx.env.dataDir, "studio.db");
    const key = join(ctx.env.dataDir, "secret.key");
    assert.ok(existsSync(database) && existsSync(key));
    for (const file of protectedDataFiles(ctx.env.dataDir, ctx.env.databaseUrl).filter(existsSync)) assert.equal(statSync(file).mode & 0o777, 0o600, file);
    assert.equal(statSync(ctx.env.dataDir).mode & 0o777, 0o711);

    const script = makeEntryScript(ctx, "probe.mjs", PROBE);
    const config = { process_memory_limit: 200, run_max_try: 1 };
    const definition = makePipeline("probe", script, "items", { config, step: { arguments: ["--database", database, "--key", key] } });
    const { status, reason, step, run } = await runPipeline(ctx, definition);
    assert.equal(status, "completed", reason);
    assert.equal(step.failedMiniBatches, 1);
    assert.equal(step.succeededItems, 18);

    const rows = readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n");
    assert.equal(rows.length, 18);
    for (const row of rows) {
      const probe = JSON.parse(row.slice(row.indexOf(" ") + 1)) as { uid: number; database: string; key: string };
      assert.deepEqual(probe, { uid: user.uid, database: "EACCES", key: "EACCES" });
    }
    const stdoutDir = join(run.runDir, "score-items", "logs", "user", "stdout", "0");
    const printed = readdirSync(stdoutDir)
      .map((f) => readFileSync(join(stdoutDir, f), "utf8"))
      .join("");
    assert.match(printed, /"PATH":/, "the script printed its environment");
    assert.doesNotMatch(printed, /must-not-leak/);
    const overLimit = attempts(ctx, run.id).filter((line) => line.includes("MEMORY_LIMIT"));
    assert.equal(overLimit.length, 1);
    assert.match(overLimit[0] ?? "", /process exceeded its memory limit of 200 MB/);
  });

  test("a script the worker user cannot reach fails its step with a sentence naming the folder", async () => {
    ctx.workerUser = resolveWorkerUser("nobody");
    const hidden = join(ctx.env.dataDir, "private");
    const script = makeEntryScript(ctx, "fine.mjs", "export function run(batch) { return batch; }");
    mkdirSync(hidden, { mode: 0o700 });
    chmodSync(hidden, 0o700);
    copyFileSync(script, join(hidden, "fine.mjs"));
    const { status, reason } = await runPipeline(ctx, makePipeline("hidden", join(hidden, "fine.mjs"), "items"));
    assert.equal(status, "failed");
    assert.match(reason, /cannot be loaded by the worker user: the folder .*private \(mode 700\) does not let nobody pass/);
  });
});
