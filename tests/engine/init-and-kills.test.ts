import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline, runPipeline } from "../support/factories";

const ITEMS = 200;

/** Counts init() calls (one line per call in the file given as --calls). */
const COUNT_INIT = `
import { appendFileSync } from "node:fs";
function countInit(ctx) { appendFileSync(ctx.args.calls, process.pid + "\\n"); }
`;

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").filter(Boolean) : [];
}

/** Worker processes this test process started (children whose command runs workers/child). */
function workerPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      if (/workers\/child\.(ts|mjs)/.test(readFileSync(`/proc/${name}/cmdline`, "utf8"))) pids.push(Number(name));
    } catch {
      // The process ended while we looked: not a worker to kill any more.
    }
  }
  return pids;
}

describe("init() timeouts, init() failures and processes killed from outside", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await makeItemsContext(ITEMS);
  });
  after(async () => ctx.cleanup());

  test("an init() that never returns is stopped after init_timeout; the step fails after run_max_try tries, saying why", async () => {
    const calls = join(ctx.env.dataDir, "hung-init-calls.txt");
    const script = makeEntryScript(
      ctx,
      "hung-init.mjs",
      `${COUNT_INIT}
export async function init(ctx) { countInit(ctx); await new Promise(() => setInterval(() => {}, 1000)); }
export function run(batch) { return batch; }`,
    );
    const definition = makePipeline("hung-init", script, "items", {
      // init_timeout counts from the process start: leave a loaded machine time to start node before init().
      config: { init_timeout: 6, run_max_try: 2, process_count_per_node: 1 },
      step: { arguments: ["--calls", calls] },
    });
    const { status, reason, step } = await runPipeline(ctx, definition);
    assert.equal(status, "failed");
    assert.match(reason, /init\(\) failed in every worker process: init\(\) did not finish within init_timeout \(6 s\)/);
    assert.match(reason, /failed 2 times in a row/);
    assert.equal(lines(calls).length, 2);
    assert.equal(step.succeededItems, 0);
  });

  test("an init() that throws fails the step after run_max_try tries with the thrown message", async () => {
    const calls = join(ctx.env.dataDir, "throwing-init-calls.txt");
    const script = makeEntryScript(
      ctx,
      "throwing-init.mjs",
      `${COUNT_INIT}
export function init(ctx) { countInit(ctx); throw new Error("model file /models/missing.onnx not found"); }
export function run(batch) { return batch; }`,
    );
    const definition = makePipeline("throwing-init", script, "items", {
      config: { run_max_try: 3, process_count_per_node: 1 },
      step: { arguments: ["--calls", calls] },
    });
    const { status, reason } = await runPipeline(ctx, definition);
    assert.equal(status, "failed");
    assert.match(reason, /init\(\) failed in every worker process: model file \/models\/missing\.onnx not found/);
    assert.equal(lines(calls).length, 3);
  });

  for (const processes of [1, 2]) {
    test(`workers SIGKILLed from outside every 0.25 s are restarted, ${processes} per node; every item is in the output exactly once`, {
      skip: !existsSync("/proc/self/stat") && "needs /proc to find worker processes",
    }, async () => {
      const script = makeEntryScript(
        ctx,
        "slow-echo.mjs",
        `import { readFileSync } from "node:fs";
export async function init() { await new Promise((r) => setTimeout(r, 50)); }
export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, 20));
  return batch.map((p) => ({ file: ctx.relativePath(p), value: readFileSync(p, "utf8") }));
}`,
      );
      // Kills land in init() and in run(): a killed run() costs its mini-batch a try, so there
      // are enough tries that no mini-batch runs out of them while the kills go on.
      const config = { mini_batch_size: 1, run_max_try: 20, process_count_per_node: processes };
      let kills = 0;
      let ticks = 0;
      const killer = setInterval(() => {
        if (++ticks > 20) return clearInterval(killer);
        const pids = workerPids();
        const victim = pids[Math.floor(Math.random() * pids.length)];
        if (victim === undefined) return;
        process.kill(victim, "SIGKILL");
        kills++;
      }, 250);
      try {
        const { status, reason, step } = await runPipeline(ctx, makePipeline(`killed-${processes}`, script, "items", { config }));
        assert.equal(status, "completed", reason);
        assert.ok(kills >= 3, `only ${kills} worker processes were killed`);
        const rows = readFileSync(join(step.outputDir, "parallel_run_step.txt"), "utf8").trimEnd().split("\n").slice(1);
        const expected = Array.from({ length: ITEMS }, (_, i) => `item-${String(i).padStart(3, "0")}.txt,value ${i}`);
        assert.deepEqual([...rows].sort(), expected);
        assert.equal(step.failedMiniBatches, 0);
      } finally {
        clearInterval(killer);
      }
    });
  }
});
