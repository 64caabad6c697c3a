import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { scanSegments } from "../../lib/engine/segments";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";
// @ts-expect-error: plain ESM script without type declarations
import { supervise } from "../../scripts/supervise.mjs";
import { makeTestUser } from "../support/auth";
import { makeEntryScript, makeItemsContext, type TestContext } from "../support/context";
import { makePipeline } from "../support/factories";
import { outputRows, renameSqliteTable, sleep, slowScript, startWorkerPool, testEnv, waitUntil } from "../support/workers";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface Supervisor {
  child(name: string): import("node:child_process").ChildProcess | undefined;
  restarts(name: string): number;
  stop(): Promise<void>;
}

/** Starts `specs` under the supervisor, collecting each child's output and the supervisor's log. */
function superviseCollecting(specs: { name: string; command: string; args: string[]; env?: NodeJS.ProcessEnv }[], options: Record<string, number>) {
  const log: string[] = [];
  const output = new Map<string, string>();
  const supervisor = supervise(
    specs.map((s) => ({
      ...s,
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      onStart(child: import("node:child_process").ChildProcess) {
        const add = (chunk: Buffer) => output.set(s.name, (output.get(s.name) ?? "") + chunk.toString("utf8"));
        child.stdout!.on("data", add);
        child.stderr!.on("data", add);
      },
    })),
    { ...options, log: (line: string) => log.push(line) },
  ) as Supervisor;
  return { supervisor, log, output: (name: string) => output.get(name) ?? "" };
}

const alive = (child: import("node:child_process").ChildProcess | undefined) => !!child && child.exitCode === null && child.signalCode === null;

describe("supervision", () => {
  test("a child that exits is restarted with a doubling backoff and a log line; the others keep running; stop ends all", async () => {
    const { supervisor, log } = superviseCollecting(
      [
        { name: "steady", command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"] },
        { name: "crashing", command: process.execPath, args: ["-e", "setTimeout(() => process.exit(3), 20)"] },
        { name: "long-lived", command: process.execPath, args: ["-e", "setTimeout(() => process.exit(1), 6500)"] },
      ],
      // Generous: a crashing child must never look stable, even when a loaded machine starts it slowly.
      { minBackoffMs: 100, maxBackoffMs: 400, stableAfterMs: 6000, graceMs: 2000 },
    );
    try {
      const steady = supervisor.child("steady")!;
      await waitUntil("four restarts of the crashing child", () => supervisor.restarts("crashing") >= 4, 60_000);
      await waitUntil("two restarts of the long-lived child", () => supervisor.restarts("long-lived") >= 2, 60_000);
      const crashing = log.filter((l) => l.startsWith("crashing exited with code 3"));
      assert.deepEqual(
        crashing.slice(0, 4).map((l) => /restarting it in ([\d.]+) s/.exec(l)?.[1]),
        ["0.1", "0.2", "0.4", "0.4"],
        "backoff doubles up to the maximum",
      );
      const longLived = log.filter((l) => l.startsWith("long-lived exited with code 1"));
      assert.ok(
        longLived.every((l) => l.includes("restarting it in 0.1 s")),
        "a child that stayed up long enough restarts after the shortest backoff",
      );
      assert.equal(supervisor.child("steady"), steady, "the other child was not restarted");
      assert.ok(alive(steady));
    } finally {
      await supervisor.stop();
    }
    const restarts = supervisor.restarts("crashing");
    assert.ok(!alive(supervisor.child("steady")) && !alive(supervisor.child("crashing")));
    await sleep(1000);
    assert.equal(supervisor.restarts("crashing"), restarts, "nothing is restarted after stop");
  });

  describe("the worker pool under the supervisor", () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await makeItemsContext(60, "many");
    });
    after(async () => ctx.cleanup());

    test("a SIGKILLed worker pool is restarted and finishes the run with every item once, while the web server keeps answering", async () => {
      const script = makeEntryScript(ctx, "slow.mjs", slowScript(250));
      await publishPipeline(ctx.db, makePipeline("supervised", script, "many", { config: { mini_batch_size: 2 } }));
      const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "supervised" });
      const viewer = await makeTestUser(ctx.db, "viewer");
      const env = testEnv(ctx, { PRS_LEASE_MS: "3000" });
      const { supervisor, log, output } = superviseCollecting(
        [
          { name: "web server", command: process.execPath, args: ["--import", "tsx", "tests/support/api-server.ts"], env },
          { name: "worker pool", command: process.execPath, args: ["bin/prs.mjs", "worker"], env },
        ],
        { minBackoffMs: 500, maxBackoffMs: 4000 },
      );
      try {
        await waitUntil("the web server to listen", () => /listening \d+/.test(output("web server")));
        const port = /listening (\d+)/.exec(output("web server"))![1];
        const status = async () => {
          const response = await fetch(`http://127.0.0.1:${port}/api/runs/${run.id}`, { headers: viewer.headers });
          assert.equal(response.status, 200);
          return ((await response.json()) as { run: { status: string } }).run.status;
        };
        const segments = join(run.runDir, "score-items", "segments");
        await waitUntil("some mini-batches done", () => scanSegments(segments).size >= 5);
        const first = supervisor.child("worker pool")!;
        first.kill("SIGKILL");
        await waitUntil("the worker pool to be restarted", () => supervisor.restarts("worker pool") === 1 && supervisor.child("worker pool") !== first);
        assert.match(log.join("\n"), /worker pool was killed by SIGKILL; restarting it in 0\.5 s/);
        assert.equal(await status(), "running", "the web server answers while the pool is down");
        assert.equal(supervisor.restarts("web server"), 0);

        await waitUntil("the run to complete", async () => (await status()) === "completed", 180_000);
        const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: run.id } });
        const files = outputRows(join(step.outputDir, "parallel_run_step.txt")).map((r) => r.split(",")[0]);
        assert.equal(files.length, 60);
        assert.equal(new Set(files).size, 60, "every item once");
        assert.match(output("worker pool"), new RegExp(`run ${run.id}: completed`), "the restarted pool finished the run");
      } finally {
        await supervisor.stop();
      }
    });

    test("a worker pool whose database fails while claiming logs it, retries with backoff and runs the work once it recovers", async () => {
      const script = makeEntryScript(ctx, "quick.mjs", slowScript(10));
      await publishPipeline(ctx.db, makePipeline("claim-errors", script, "many", { config: { mini_batch_size: 10 } }));
      const pool = startWorkerPool(ctx, { PRS_LEASE_MS: "3000" });
      try {
        await waitUntil("the pool to poll", () => pool.output().includes("polling for runs"));
        // The runs table disappears for a while: every claim fails.
        await renameSqliteTable(ctx.env.databaseUrl, "PipelineRun", "PipelineRunAway");
        await waitUntil("two failed claims logged", () => (pool.output().match(/claiming a run failed/g) ?? []).length >= 2);
        await renameSqliteTable(ctx.env.databaseUrl, "PipelineRunAway", "PipelineRun");
        assert.ok(pool.alive(), "the pool survived the errors");
        assert.match(pool.output(), /claiming a run failed \(try 1\), retrying in [\d.]+ s: .*no such table: main\.PipelineRun/);

        const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: "claim-errors" });
        await waitUntil(
          "the run to complete",
          async () => (await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } })).status === "completed",
          120_000,
        );
      } finally {
        await pool.kill();
      }
    });
  });
});
