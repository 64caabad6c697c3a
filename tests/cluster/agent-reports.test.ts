import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";
import type { Datastore } from "../../lib/datastores/types";
import { DbEventSink } from "../../lib/engine/db-events";
import { executeRun } from "../../lib/engine/orchestrator";
import { registerEnvironment, resolveEnvironment } from "../../lib/services/environments";
import { buildSnapshot } from "../../lib/services/run-events";
import { makeTestUser, type TestUser, withAuth } from "../support/auth";
import { type AgentProcess, redisUnavailable } from "../support/cluster";
import { postgresUnavailable, type TestContext } from "../support/context";
import { lockedPackage } from "../environments/support";
import { type ClusterRun, makeClusterRun } from "../support/cluster-run";
import { waitUntil } from "../support/workers";

// What agents report back to the studio: log files (into the step's log folder, under agents/),
// attempt rows, failures, their processes (host, pid, CPU, memory), and environments built on the
// agent. Two agents as separate processes in their own temporary folders; PostgreSQL, Redis,
// Azurite: nothing passes through a shared disk.
const skip = (await redisUnavailable()) || (await postgresUnavailable());
const ITEMS = 12;

const reportingScript = `
import { writeFileSync } from "node:fs";
import { join } from "node:path";
export function init(ctx) {
  writeFileSync(join(ctx.logDir, "extra notes ü.txt"), "notes of process " + ctx.processId + "\\n");
}
export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, 400));
  const rows = [];
  for (const p of batch) {
    const name = ctx.relativePath(p);
    ctx.logger.info("hello from the agent's entry script: " + name);
    console.log("stdout-mark " + name);
    if (name === "item-005.txt") throw new Error("boom on " + name);
    rows.push({ item: name });
  }
  return rows;
}`;

const slowScript = `
export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, 1000));
  for (const p of batch) ctx.logger.info("slow item done: " + ctx.relativePath(p));
  return batch.map((p) => ({ item: ctx.relativePath(p) }));
}`;

const environmentScript = `
import isNumber from "is-number";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const version = require("is-number/package.json").version;
export async function run(batch, ctx) {
  return batch.map((p) => ({ item: ctx.relativePath(p), version, isNumber: isNumber("5"), greeting: process.env.GREETING ?? "" }));
}`;

describe("agents report logs, attempts, failures, processes; environments on agents; node_count", { skip }, () => {
  let env: ClusterRun;
  let ctx: TestContext;
  let cluster: ClusterRun["cluster"];
  let blob: Datastore;
  let agents: AgentProcess[] = [];
  let viewer: TestUser;
  type Handler = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
  let routes: { list: Handler; content: Handler; archive: Handler };
  /** GET on the studio's log routes (app/api/runs/[runId]/logs/...), signed in as a viewer. */
  const api = (handler: Handler, runId: string, path: string) =>
    handler(new Request(`http://test/api/runs/${runId}/logs${path}`, withAuth(viewer)), { params: Promise.resolve({ runId }) });
  const logText = async (runId: string, path: string) => {
    const res = await api(routes.content, runId, `/content?step=score&path=${encodeURIComponent(path)}`);
    assert.equal(res.status, 200, path);
    return ((await res.json()) as { text: string }).text;
  };

  before(async () => {
    env = await makeClusterRun(ITEMS);
    ({ ctx, cluster, blob, agents } = env);
    process.env.DATABASE_URL = ctx.env.databaseUrl;
    process.env.PRS_DATA_DIR = ctx.env.dataDir;
    viewer = await makeTestUser(ctx.db, "viewer");
    routes = {
      list: (await import("../../app/api/runs/[runId]/logs/route")).GET as Handler,
      content: (await import("../../app/api/runs/[runId]/logs/content/route")).GET as Handler,
      archive: (await import("../../app/api/runs/[runId]/logs/archive/route")).GET as Handler,
    };
    for (let i = 0; i < 2; i++) env.agent(2, 5000, "cpu");
    await waitUntil("two agents to register", () => agents.every((a) => a.output().includes("in pool")), 120_000);
  });

  after(async () => {
    await env?.cleanup();
  });

  async function runOnPool(name: string, code: string, config: Record<string, unknown>, during?: (runId: string) => Promise<void>) {
    const runId = await env.submitWith(name, code, { node_count: 1, run_invocation_timeout: 60, run_max_try: 2, compute_target: "cpu", ...config });
    const events = new DbEventSink(ctx.db, { intervalMs: 50 });
    const deps = { db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "test", flushIntervalMs: 100, cluster, events };
    const [result] = await Promise.all([executeRun(deps, runId), during?.(runId)]);
    await events.close();
    const full = await ctx.db.pipelineRun.findUniqueOrThrow({ where: { id: runId }, include: { steps: true } });
    return { result, run: full };
  }

  const agentFolders = (paths: string[]) => [...new Set(paths.filter((p) => p.startsWith("agents/")).map((p) => p.split("/")[1]))];

  test("an agent's logs, attempt rows, failures and processes reach the studio as for a local step; node_count 1 of 2 agents uses one", {
    timeout: 240_000,
  }, async () => {
    const { result, run } = await runOnPool("reports", reportingScript, {});
    assert.equal(result.status, "completed", result.reason);
    const step = run.steps[0]!;
    assert.equal(step.succeededItems, ITEMS - 1);
    assert.equal(step.failedMiniBatches, 1);

    // Log files: under agents/<host>-<node>/ in the step's log folder, read through the log API.
    const listed = await api(routes.list, run.id, "");
    assert.equal(listed.status, 200);
    const logs = ((await listed.json()) as { files: { step: string; path: string }[] }).files;
    const folders = agentFolders(logs.map((f) => f.path));
    assert.equal(folders.length, 1, `node_count 1: one agent's logs, got ${JSON.stringify(folders)}`);
    const folder = folders[0]!;
    assert.match(folder, new RegExp(`^${hostname().replace(/[^A-Za-z0-9._-]/g, "-")}-\\d+$`));
    const entryLogs = logs.filter((f) => f.path.startsWith(`agents/${folder}/user/entry_script_log/`));
    assert.ok(entryLogs.length >= 1, `entry script logs listed: ${JSON.stringify(logs.map((f) => f.path))}`);
    const entryText = (await Promise.all(entryLogs.map((f) => logText(run.id, f.path)))).join("");
    for (let i = 0; i < ITEMS; i++) assert.match(entryText, new RegExp(`hello from the agent's entry script: item-${String(i).padStart(3, "0")}\\.txt`));
    const stdoutLogs = logs.filter((f) => f.path.startsWith(`agents/${folder}/user/stdout/`));
    const stdoutText = (await Promise.all(stdoutLogs.map((f) => logText(run.id, f.path)))).join("");
    assert.match(stdoutText, /stdout-mark item-011\.txt/);
    // A file the script named freely in its log folder arrives under a name the studio accepts.
    const notes = logs.find((f) => new RegExp(`^agents/${folder}/.*extra_notes_+\\.txt$`).test(f.path));
    assert.ok(notes, JSON.stringify(logs.map((f) => f.path)));
    assert.match(await logText(run.id, notes.path), /^notes of process \d\n/);
    const stderrLogs = logs.filter((f) => f.path.startsWith(`agents/${folder}/user/stderr/`));
    assert.ok(stderrLogs.length >= 1, "stderr files shipped too");

    // Attempt rows: every try, all on the one seated agent's node.
    const csv = readFileSync(join(run.runDir, "score", "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8")
      .trimEnd()
      .split("\n");
    assert.match(csv[0]!, /^mini_batch_id,attempt,picked_count,node,process,pid,/);
    const rows = csv.slice(1).map((l) => l.split(","));
    assert.equal(rows.length, ITEMS + 1, "11 successes, and mini-batch 5 tried twice");
    assert.equal(rows.filter((r) => r[0] === "5").length, 2);
    assert.ok(rows.filter((r) => r[0] === "5").every((r) => r[12] !== "RUN_DONE"));
    const nodes = new Set(rows.map((r) => r[3]));
    assert.equal(nodes.size, 1, `one agent ran the step: nodes ${[...nodes]}`);
    assert.equal(folder.split("-").at(-1), [...nodes][0], "the log folder names the node of the attempt rows");
    assert.ok(
      rows.every((r) => Number(r[5]) > 0),
      "each row names the agent's process id",
    );

    // Failures table and process table, as the run page gets them.
    const snapshot = await buildSnapshot(ctx.db, run.id);
    assert.ok(
      snapshot.failures.some((f) => f.idx === 5 && /boom on item-005\.txt/.test(f.error ?? "")),
      `failures: ${JSON.stringify(snapshot.failures)}`,
    );
    const workers = snapshot.workers.score ?? [];
    assert.ok(workers.length === 2, `the seated agent's 2 processes: ${JSON.stringify(workers)}`);
    for (const w of workers) {
      assert.equal(w.host, hostname());
      assert.equal(String(w.nodeId), [...nodes][0]);
      assert.ok((w.pid ?? 0) > 0 && (w.rssBytes ?? 0) > 0, JSON.stringify(w));
    }
    const statuses = await ctx.db.runEvent.findMany({ where: { runId: run.id, type: "step_status" } });
    assert.ok(
      statuses.some((e) => /running on 1 agent of pool 'cpu' \(node_count 1; 2 connected\)/.test(e.payload)),
      statuses.map((e) => e.payload).join("\n"),
    );

    // Only one agent started processes for the step; the other handed its jobs back.
    assert.equal(agents.filter((a) => a.output().includes("step score of run")).length, 1);

    // The logs archive holds the agent's logs.
    const names: string[] = [];
    const tar = extract();
    tar.on("entry", (header, stream, next) => {
      names.push(header.name);
      stream.on("end", next);
      stream.resume();
    });
    const done = new Promise((resolve, reject) => {
      tar.on("finish", () => resolve(undefined));
      tar.on("error", reject);
    });
    const archive = await api(routes.archive, run.id, "/archive");
    assert.equal(archive.status, 200);
    Readable.fromWeb(archive.body as never)
      .pipe(createGunzip())
      .pipe(tar);
    await done;
    assert.ok(
      names.some((n) => n.startsWith(`${run.id}/score/logs/agents/${folder}/user/entry_script_log/`)),
      `archive: ${names.join(", ")}`,
    );
  });

  test("a step with an environment on a pool gets it built on the agent, into the agent's own cache", { timeout: 400_000 }, async () => {
    const files7 = await lockedPackage("is-number", "7.0.0");
    await registerEnvironment(ctx.db, {
      name: "num7",
      packageJson: files7.packageJson,
      packageLock: files7.packageLock,
      variables: { GREETING: "hi from num7" },
    });
    const view = await resolveEnvironment(ctx.db, "num7");
    const { result, run } = await runOnPool("envs", environmentScript, { environment: "num7" });
    assert.equal(result.status, "completed", result.reason);
    const out = (await blob.read("results/envs/parallel_run_step.txt")).toString("utf8").trimEnd().split("\n");
    assert.equal(out[0], "item,version,isNumber,greeting");
    assert.equal(out.length, ITEMS + 1);
    for (const line of out.slice(1)) assert.match(line, /,7\.0\.0,true,hi from num7$/);
    // Built by the agent that ran the step, in its own working folder.
    const builtOn = agents.filter((a) => existsSync(join(a.dir, "work", "environments", view.contentHash, "node_modules", "is-number", "package.json")));
    assert.equal(builtOn.length, 1, "one agent (node_count 1) built the environment in its own cache");
    const logs = ((await (await api(routes.list, run.id, "")).json()) as { files: { path: string }[] }).files;
    const buildLog = logs.find((f) => /^agents\/[^/]+\/sys\/environment\/build_log\.txt$/.test(f.path));
    assert.ok(buildLog, `the agent's build log is with the step's logs: ${JSON.stringify(logs.map((f) => f.path))}`);
    const text = await logText(run.id, buildLog.path);
    assert.match(text, /Environment num7:1 \([0-9a-f]{12}\): built now on agent agt_/);
  });

  // Last: it kills one of the two agents.
  test("an agent SIGKILLed mid-step: what it logged up to its last second is on the studio, and the other agent takes its seat", {
    timeout: 240_000,
  }, async () => {
    let killedAt = 0;
    let killedNode = "";
    const { result, run } = await runOnPool("killed", slowScript, {}, async (runId) => {
      await waitUntil("4 mini-batches to finish", async () => ((await ctx.db.stepRun.findFirst({ where: { runId } }))?.succeededItems ?? 0) >= 4, 120_000, 100);
      // Past the agent's shipping interval: the lines of the mini-batches finished so far have left it.
      await new Promise((r) => setTimeout(r, 2500));
      const victim = agents.find((a) => a.output().includes(`step score of run ${runId}`))!;
      killedNode = /\(node (\d+)\)/.exec(victim.output())![1]!;
      killedAt = Date.now();
      victim.child.kill("SIGKILL");
    });
    assert.equal(result.status, "completed", result.reason);
    assert.equal(run.steps[0]!.succeededItems, ITEMS);
    const rows = readFileSync(join(run.runDir, "score", "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8")
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    const byVictim = rows.filter((r) => r[3] === killedNode && r[12] === "RUN_DONE" && Date.parse(r[7]!) <= killedAt - 2000);
    assert.ok(byVictim.length >= 4, `the killed agent finished mini-batches well before it died: ${JSON.stringify(rows)}`);
    assert.ok(
      rows.some((r) => r[3] !== killedNode && r[12] === "RUN_DONE"),
      "the other agent took the seat and finished the rest",
    );
    const folder = `${hostname().replace(/[^A-Za-z0-9._-]/g, "-")}-${killedNode}`;
    const listed = ((await (await api(routes.list, run.id, "")).json()) as { files: { path: string }[] }).files;
    const logs = listed.filter((f) => f.path.startsWith(`agents/${folder}/user/entry_script_log/`));
    const text = (await Promise.all(logs.map((f) => logText(run.id, f.path)))).join("");
    for (const r of byVictim) assert.match(text, new RegExp(`slow item done: item-${r[0]!.padStart(3, "0")}\\.txt`));
  });
});
