import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { executeRun } from "../../lib/engine/orchestrator";
import { workerRuntime } from "../../lib/engine/runtime";
import { WarmPool } from "../../lib/engine/warm-pool";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";

/**
 * Reports, per item, which process ran it and what that process's init() left behind: its pid,
 * how often init() ran in it, a token drawn in init(), what any earlier script left in the
 * process's globals, and an environment variable. shutdown() leaves a file naming its pid.
 */
const probe = (name: string) => `
import { writeFileSync } from "node:fs";
import { join } from "node:path";
let inits = 0;
let token = "";
let shutdownDir = "";
export function init(ctx) {
  inits++;
  token = Math.random().toString(36).slice(2);
  shutdownDir = ctx.args.marks;
  globalThis.__prsLeft = (globalThis.__prsLeft ?? "") + "${name};";
}
export function run(batch, ctx) {
  return batch.map((p) => ({
    file: ctx.relativePath(p),
    pid: process.pid,
    inits,
    token,
    left: globalThis.__prsLeft,
    setting: process.env.MY_SETTING ?? "",
    home: process.env.HOME === undefined ? "" : "set",
  }));
}
export function shutdown() {
  writeFileSync(join(shutdownDir, "shutdown-" + process.pid), "${name}");
}
`;

interface Row {
  file: string;
  pid: number;
  inits: number;
  token: string;
  left: string;
  setting: string;
}

function rowsOf(outputDir: string): Row[] {
  const [header, ...lines] = readFileSync(join(outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n");
  const columns = header!.split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    const row = Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
    return { ...row, pid: Number(row.pid), inits: Number(row.inits) } as unknown as Row;
  });
}

async function until(what: string, condition: () => boolean, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("warm process pool", () => {
  let ctx: TestContext;
  let pool: WarmPool;
  let marks: string;

  before(async () => {
    ctx = await makeItemsContext(12);
    marks = join(ctx.env.dataDir, "scripts");
    const runtime = workerRuntime();
    pool = new WarmPool({
      size: 2,
      // Every runtime's processes stay idle, so that each check below could catch a wrong reuse.
      maxSetUp: 16,
      idleMs: 60_000,
      home: join(ctx.env.dataDir, "warm-home"),
      defaultProfile: { module: runtime.module, execArgv: runtime.execArgv, startEnv: {} },
    });
    pool.start();
  });
  after(async () => {
    await pool.close();
    await ctx.cleanup();
  });

  async function run(name: string, script: string, config: Record<string, unknown> = {}, args: string[] = []) {
    await publishPipeline(
      ctx.db,
      makePipeline(name, script, "items", { config: { mini_batch_size: 3, ...config }, step: { arguments: ["--marks", marks, ...args] } }),
    );
    const submitted = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: name });
    const result = await executeRun(
      { db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "test", flushIntervalMs: 100, warmPool: pool },
      submitted.id,
    );
    assert.equal(result.status, "completed", result.reason);
    const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: submitted.id } });
    const rows = rowsOf(step.outputDir);
    assert.deepEqual(
      rows.map((r) => r.file),
      Array.from({ length: 12 }, (_, i) => `item-${String(i).padStart(3, "0")}.txt`),
    );
    return { rows, pids: new Set(rows.map((r) => r.pid)) };
  }

  test("steps take booted processes; the same runtime keeps its init(); another runtime never gets a process that served one", async () => {
    await until("two fresh processes booted", () => pool.state().fresh.length === 2);
    const booted = new Set(pool.state().fresh);
    const scriptA = makeEntryScript(ctx, "a.mjs", probe("A"));

    const first = await run("warm-a1", scriptA);
    for (const pid of first.pids) assert.ok(booted.has(pid), `process ${pid} was not one of the pool's booted processes`);
    assert.ok(first.rows.every((r) => r.inits === 1 && r.left === "A;"));
    // The processes that ran A's mini-batches went back set up for A (one still in init() when the
    // step ended would have been stopped instead).
    const servedA = new Set(pool.state().setUp.map((p) => p.pid));
    for (const pid of first.pids) assert.ok(servedA.has(pid), `process ${pid} did not go back to the pool`);

    // Same script, same settings: the same processes, init() not run again, its state kept.
    const again = await run("warm-a2", scriptA);
    for (const pid of again.pids) assert.ok(servedA.has(pid), `process ${pid} is new: the warm processes of the same runtime were not reused`);
    const tokens = new Map(first.rows.map((r) => [r.pid, r.token]));
    for (const r of again.rows) {
      assert.equal(r.inits, 1, "init() ran again in a warm process of the same runtime");
      if (tokens.has(r.pid)) assert.equal(r.token, tokens.get(r.pid));
    }

    // Changed content under the same file name is another runtime.
    makeEntryScript(ctx, "a.mjs", `${probe("A")}\n// changed\n`);
    const changed = await run("warm-a-changed", scriptA);
    for (const pid of changed.pids) assert.ok(!servedA.has(pid), `process ${pid} kept init() state of the old content`);

    // Other code: fresh processes only, nothing of A's in their globals.
    const scriptB = makeEntryScript(ctx, "b.mjs", probe("B"));
    const other = await run("warm-b", scriptB);
    for (const pid of other.pids) assert.ok(!servedA.has(pid), `process ${pid} served script A and now runs script B`);
    assert.ok(other.rows.every((r) => r.left === "B;" && r.inits === 1));

    // A's code with other environment variables is another runtime too; the variables are the step's.
    const withSetting = await run("warm-a-env", scriptA, { environment_variables: { MY_SETTING: "on" } });
    for (const pid of withSetting.pids) {
      assert.ok(!servedA.has(pid) && !changed.pids.has(pid) && !other.pids.has(pid), `process ${pid} served another runtime`);
    }
    assert.ok(withSetting.rows.every((r) => r.setting === "on" && r.left === "A;" && r.inits === 1));
  });

  test("a crashed warm process is replaced", async () => {
    await until("two fresh processes booted", () => pool.state().fresh.length === 2);
    const [victim] = pool.state().fresh;
    process.kill(victim!, "SIGKILL");
    await until("the killed process replaced", () => pool.state().fresh.length === 2 && !pool.state().fresh.includes(victim!));
    assert.ok(!alive(victim!));
    const script = makeEntryScript(ctx, "c.mjs", probe("C"));
    const { pids } = await run("warm-c", script);
    assert.ok(!pids.has(victim!));
  });

  test("idle set-up processes are shut down (their shutdown() runs), fresh ones stay", async () => {
    const runtime = workerRuntime();
    const short = new WarmPool({
      size: 2,
      idleMs: 300,
      home: join(ctx.env.dataDir, "warm-home-short"),
      defaultProfile: { module: runtime.module, execArgv: runtime.execArgv, startEnv: {} },
    });
    const previous = pool;
    pool = short;
    short.start();
    try {
      const script = makeEntryScript(ctx, "d.mjs", probe("D"));
      const { pids } = await run("warm-d", script);
      await until("idle processes released", () => short.state().setUp.length === 0 && [...pids].every((pid) => !alive(pid)));
      for (const pid of pids) assert.ok(existsSync(join(marks, `shutdown-${pid}`)), `shutdown() did not run in process ${pid}`);
      await until("fresh processes kept", () => short.state().fresh.length === 2);
    } finally {
      pool = previous;
      await short.close();
    }
  });
});
