// npm run bench:cluster: the multi-machine mode on loopback (PostgreSQL + Redis at 127.0.0.1), issue 10 item 7.
// (a) an I/O-bound script (50 ms per mini-batch of 10 items) on 1, 2 and 4 agents x 2 processes,
//     steady-state throughput against the ideal agents x processes / 0.05 s (target >= 90% at 4);
// (b) a no-op script: time per mini-batch through Redis against the embedded mode (target <= 2 ms more);
// (c) a step of 100,000 mini-batches queued: Redis memory and the orchestrator's RSS sampled every
//     half second while an agent works through them (start, peak, end: flat?);
// (d) agent start-up: `prs agent` to "registered", from the esbuild bundle and through tsx.
// Then a table of the figures against the targets, and where the time of a mini-batch goes.
// Agents are separate `prs agent` processes (as in production): this process is the orchestrator only.
// BENCH_ONLY=a,b,c,d picks sections; BENCH_SAMPLE_S sets (c)'s sampling time (default 30).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Queue, Worker } from "bullmq";
import { AgentRegistry } from "../lib/cluster/registry";
import { LocalDatastore } from "../lib/datastores/local";
import { executeRun } from "../lib/engine/orchestrator";
import { registerDataset } from "../lib/services/datasets";
import { publishPipeline } from "../lib/services/pipelines";
import { cancelRun, submitRun } from "../lib/services/runs";
import { type AgentProcess, makeCluster, REDIS_URL, startAgent, startFileServer } from "../tests/support/cluster";
import { makeEntryScript, makeTestContext, makeTextFiles, type TestContext } from "../tests/support/context";

type Cluster = ReturnType<typeof makeCluster>;
const only = new Set((process.env.BENCH_ONLY ?? "a,b,c,d").split(",").map((s) => s.trim()));
const SAMPLE_S = Number(process.env.BENCH_SAMPLE_S ?? 30);
const SECRET = "bench-agent-secret-0123456789";
const POOL = "bench";
const prsBin = fileURLToPath(new URL("../bin/prs.mjs", import.meta.url));
const ctx: TestContext = await makeTestContext("postgresql");
const scripts = {
  io: makeEntryScript(ctx, "io.mjs", "export async function run(batch) { await new Promise((r) => setTimeout(r, 50)); return batch.map((p) => p); }"),
  noop: makeEntryScript(ctx, "noop.mjs", "export function run(batch) { return batch.map((p) => p); }"),
};
const datasets = new Set<string>();
async function dataset(name: string, files: number): Promise<string> {
  if (!datasets.has(name)) {
    makeTextFiles(ctx, name, files);
    await registerDataset(ctx.db, ctx.access, { name, kind: "file", datastore: "workspace", paths: [`${name}/`] });
    datasets.add(name);
  }
  return name;
}

interface Row {
  figure: string;
  value: string;
  target: string;
  met?: boolean;
}
const table: Row[] = [];
const ms = (n: number) => `${n.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

let n = 0;
async function submitStep(script: string, items: string, target: string, nodes: number, size: number) {
  const pv = await publishPipeline(ctx.db, {
    name: `bench-${++n}`,
    steps: [
      {
        name: "score",
        inputs: [{ dataset: items }],
        parallel_run_config: {
          entry_script: script,
          mini_batch_size: size,
          error_threshold: -1,
          output_action: "append_row",
          node_count: nodes,
          process_count_per_node: 2,
          compute_target: target,
        },
        allow_reuse: false,
      },
    ],
  });
  return submitRun(ctx.db, ctx.env.dataDir, { pipeline: pv.name, parameters: {} });
}

async function runStep(script: string, items: string, target: string, nodes: number, size: number, cluster?: Cluster) {
  const run = await submitStep(script, items, target, nodes, size);
  const result = await executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "bench", cluster }, run.id);
  if (result.status !== "completed") throw new Error(result.reason);
  const ends = (await ctx.db.miniBatch.findMany({ where: { stepRun: { runId: run.id } }, select: { endedAt: true } }))
    .map((m) => m.endedAt!.getTime())
    .sort((a, b) => a - b);
  // Steady state: mini-batches per second between the 25th and the 95th percentile of their end
  // times, when every agent's processes have started (each agent starts a step's processes when its
  // first job comes: up to a second apart on a loaded machine) and before the last few run alone.
  // `whole` is the plain figure from the first mini-batch done to the last, for comparison.
  const [a, b] = [Math.floor(ends.length * 0.25), Math.floor(ends.length * 0.95)];
  return { count: ends.length, rate: (b - a) / ((ends[b]! - ends[a]!) / 1000), whole: (ends.length - 1) / ((ends.at(-1)! - ends[0]!) / 1000) };
}

async function withAgents<T>(count: number, body: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = makeCluster();
  const files = await startFileServer(cluster, SECRET);
  const agents: AgentProcess[] = [];
  try {
    for (let i = 0; i < count; i++)
      agents.push(startAgent({ pool: POOL, server: files.url, prefix: cluster.prefix, secret: SECRET, processes: 2, lockMs: 20_000 }));
    const registry = new AgentRegistry(cluster.redis, cluster.keys);
    const deadline = Date.now() + 60_000;
    while ((await registry.working(POOL)).length < count) {
      if (Date.now() > deadline) throw new Error(`agents did not register:\n${agents.map((a) => a.output()).join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return await body(cluster);
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await files.close();
    await cluster.cleanup();
  }
}

let perRemote = Number.NaN;
let perLocal = Number.NaN;

if (only.has("a")) {
  console.log("(a) I/O-bound script, 50 ms per mini-batch of 10 items, 2 processes per agent, 100 mini-batches per process");
  for (const agents of [1, 2, 4]) {
    const items = await dataset(`io-${agents}`, agents * 2 * 100 * 10);
    const { count, rate, whole } = await withAgents(agents, (cluster) => runStep(scripts.io, items, POOL, agents, 10, cluster));
    const ideal = (agents * 2) / 0.05;
    const percent = (rate / ideal) * 100;
    console.log(
      `  ${agents} agent(s): ${count} mini-batches, ${rate.toFixed(1)} mini-batches/s, ideal ${ideal} → ${percent.toFixed(0)}% of ideal (first to last: ${((whole / ideal) * 100).toFixed(0)}%)`,
    );
    table.push({
      figure: `(a) I/O-bound, ${agents} agent${agents === 1 ? "" : "s"} x 2 processes`,
      value: `${percent.toFixed(0)}% of ideal (${rate.toFixed(1)}/${ideal} per s)`,
      target: agents === 4 ? ">= 90%" : "-",
      met: agents === 4 ? percent >= 90 : undefined,
    });
  }
}

if (only.has("b")) {
  console.log("(b) no-op script, 1 item per mini-batch, 1 agent x 2 processes vs the embedded pool (1 node x 2 processes)");
  const items = await dataset("noop", 2000);
  const local = await runStep(scripts.noop, items, "local", 1, 1);
  const remote = await withAgents(1, (cluster) => runStep(scripts.noop, items, POOL, 1, 1, cluster));
  perLocal = 1000 / local.rate;
  perRemote = 1000 / remote.rate;
  console.log(`  embedded ${ms(perLocal)} per mini-batch, through Redis ${ms(perRemote)}: overhead ${ms(perRemote - perLocal)}`);
  table.push({
    figure: "(b) no-op dispatch overhead per mini-batch",
    value: `${ms(perRemote - perLocal)} (cluster ${ms(perRemote)}, embedded ${ms(perLocal)})`,
    target: "<= 2 ms",
    met: perRemote - perLocal <= 2,
  });
}

if (only.has("c")) {
  const total = 100_000;
  console.log(`(c) a step of ${total.toLocaleString("en")} mini-batches (1 file each) on 1 agent x 2 processes (no-op), sampled for ${SAMPLE_S} s`);
  const items = await dataset("many", total);
  await withAgents(1, async (cluster) => {
    const used = async () => Number(/used_memory:(\d+)/.exec(await cluster.redis.info("memory"))?.[1] ?? 0);
    // A full collection before each sample: RSS then shows what the orchestrator holds, not garbage
    // V8 has not collected yet (heap = the JavaScript heap in use after that collection).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const sample = async () => {
      gc();
      const memory = process.memoryUsage();
      return { redis: await used(), rss: memory.rss, heap: memory.heapUsed };
    };
    const before = await sample();
    const run = await submitStep(scripts.noop, items, POOL, 1, 1);
    const execution = executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "bench", cluster }, run.id);
    const done = () => ctx.db.miniBatch.count({ where: { stepRun: { runId: run.id }, status: "succeeded" } });
    // Sampling starts once the first mini-batch is done: the step is planned and the queue is full.
    while ((await done()) === 0) await new Promise((r) => setTimeout(r, 200));
    const doneAtStart = await done();
    const samples: { redis: number; rss: number; heap: number }[] = [];
    const end = Date.now() + SAMPLE_S * 1000;
    while (Date.now() < end) {
      samples.push(await sample());
      await new Promise((r) => setTimeout(r, 500));
    }
    const doneAtEnd = await done();
    await cancelRun(ctx.db, run.id);
    await execution;
    const report = (name: "redis" | "rss" | "heap", label: string) => {
      const values = samples.map((s) => s[name]);
      const start = values[0]!;
      const peak = Math.max(...values);
      const last = values.at(-1)!;
      // Flat: over the sampling window the figure neither climbs (end vs start, within 8 MB or 15%)
      // nor spikes (peak vs start, twice that).
      const slack = Math.max(8 * 1048576, start * 0.15);
      const flat = last - start <= slack && peak - start <= 2 * slack;
      console.log(
        `  ${label}: before the run ${mb(before[name])}; start ${mb(start)}, peak ${mb(peak)}, end ${mb(last)} (${samples.length} samples) → ${flat ? "flat" : "not flat"}`,
      );
      const steps = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => mb(values[Math.min(values.length - 1, Math.floor(f * values.length))]!));
      console.log(`    over time (every ${SAMPLE_S / 5} s): ${steps.join(" → ")}`);
      // The JS heap is shown for the record (the brief's targets are Redis and RSS): what it keeps
      // per finished mini-batch (the merge's index of segment records) is the climb over the window.
      const perDone = (last - start) / Math.max(1, doneAtEnd - doneAtStart);
      table.push({
        figure: `(c) ${label}, ${total / 1000}k queued`,
        value: `start ${mb(start)} / peak ${mb(peak)} / end ${mb(last)}${name === "heap" ? ` (${perDone.toFixed(0)} B per done)` : ""}`,
        target: name === "heap" ? "-" : "flat",
        met: name === "heap" ? undefined : flat,
      });
    };
    console.log(`  ${doneAtEnd - doneAtStart} mini-batches done while sampling; the rest stayed queued (the run was then cancelled)`);
    report("redis", "Redis used_memory");
    report("rss", "orchestrator RSS");
    report("heap", "orchestrator JS heap");
  });
}

if (only.has("d")) {
  console.log("(d) agent start-up: `prs agent` started to registered in its pool (3 starts each)");
  const cluster = makeCluster();
  const timeStart = async (tsx: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const dir = mkdtempSync(join(tmpdir(), "prs-bench-agent-"));
      const t0 = performance.now();
      const child = spawn(
        process.execPath,
        [prsBin, "agent", "--pool", POOL, "--server", "http://127.0.0.1:9", "--processes", "1", "--work-dir", join(dir, "work")],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH,
            HOME: dir,
            REDIS_URL,
            PRS_QUEUE_PREFIX: cluster.prefix,
            PRS_AGENT_SECRET: SECRET,
            ...(tsx ? { PRS_AGENT_TSX: "1" } : {}),
          } as unknown as NodeJS.ProcessEnv,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          if (/in pool/.test(output)) resolve();
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.once("exit", () => reject(new Error(`the agent exited: ${output}`)));
      });
      times.push(performance.now() - t0);
      child.kill("SIGINT");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
    return times.sort((a, b) => a - b)[1]!;
  };
  const bundled = await timeStart(false);
  const tsx = await timeStart(true);
  console.log(`  bundle (.build/workers/agent.mjs) ${bundled.toFixed(0)} ms, tsx ${tsx.toFixed(0)} ms (median of 3)`);
  table.push({ figure: "(d) agent start to registered", value: `bundle ${bundled.toFixed(0)} ms, tsx ${tsx.toFixed(0)} ms`, target: "-" });
  await cluster.cleanup();
}

// Where a mini-batch's time goes: each piece of the cluster path measured alone on this machine.
console.log("\nwhere a mini-batch's time goes (each piece alone, sequential, per mini-batch):");
{
  const cluster = makeCluster();
  const { redis, keys } = cluster;
  const piece = async (label: string, count: number, body: (i: number) => Promise<unknown>) => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await body(i);
    const each = (performance.now() - t0) / count;
    console.log(`  ${label.padEnd(62)} ${ms(each)}`);
    return each;
  };
  await piece("Redis round trip (PING)", 500, () => redis.ping());
  // BullMQ: enqueue (addBulk of 1000), then a worker takes, locks and completes each job.
  const queue = new Queue("timeline", { connection: redis, prefix: keys.prefix });
  const jobs = 2000;
  const t0 = performance.now();
  for (let i = 0; i < jobs; i += 1000)
    await queue.addBulk(
      Array.from({ length: 1000 }, (_, k) => ({
        name: "mini-batch",
        data: { stepKey: "run_0123456789ab", idx: i + k, attempt: 1, items: { kind: "files", datastore: "workspace", root: "items", names: ["item-000.txt"] } },
        opts: { jobId: `t_${i + k}_1`, priority: i + k + 1, removeOnComplete: true, removeOnFail: true, attempts: 1 },
      })),
    );
  console.log(`  ${"orchestrator: enqueue (addBulk, 1000 jobs per call)".padEnd(62)} ${ms((performance.now() - t0) / jobs)}`);
  let completed = 0;
  const t1 = performance.now();
  await new Promise<void>((resolve) => {
    const worker = new Worker("timeline", async () => {}, { connection: redis.duplicate(), prefix: keys.prefix, concurrency: 4, lockDuration: 20_000 });
    worker.on("completed", () => {
      if (++completed === jobs) void worker.close().then(() => resolve());
    });
  });
  console.log(`  ${"agent: BullMQ fetch + lock + complete (concurrency 4)".padEnd(62)} ${ms((performance.now() - t1) / jobs)}`);
  await queue.obliterate({ force: true });
  await queue.close();
  const stream = keys.results("timeline");
  const entry = JSON.stringify({
    type: "attempt",
    agentId: "agt_x",
    result: { idx: 1, attempt: 1, status: "RUN_DONE", itemCount: 1 },
    where: { nodeId: 1, processId: 0 },
  });
  await piece("agent: result to the results stream (XADD)", 1000, () => redis.xadd(stream, "*", "e", entry));
  const t2 = performance.now();
  let last = "0";
  let read = 0;
  while (read < 1000) {
    const reply = (await redis.xread("COUNT", 200, "STREAMS", stream, last)) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    read += entries.length;
    last = entries.at(-1)?.[0] ?? last;
  }
  console.log(`  ${"orchestrator: read the results stream (XREAD COUNT 200)".padEnd(62)} ${ms((performance.now() - t2) / 1000)}`);
  const dir = mkdtempSync(join(tmpdir(), "prs-bench-seg-"));
  const store = new LocalDatastore(dir);
  await piece("agent: segment object write (local datastore)", 500, (i) => store.write(`seg/${i}.seg`, `"item-${i}.txt"\n`));
  await piece("orchestrator: segment object read back (local datastore)", 500, (i) => store.read(`seg/${i}.seg`));
  rmSync(dir, { recursive: true, force: true });
  if (Number.isFinite(perLocal)) console.log(`  ${"child process: run() and IPC (the embedded mode's whole time)".padEnd(62)} ${ms(perLocal)}`);
  if (Number.isFinite(perRemote)) console.log(`  ${"measured: a no-op mini-batch through Redis, end to end".padEnd(62)} ${ms(perRemote)}`);
  console.log("  (the pieces overlap: 2 processes and up to 4 jobs per agent run at once, results are read 200 at a time)");
  await cluster.cleanup();
}

console.log("\nfigure                                            value                                                   target   result");
for (const row of table) {
  const result = row.met === undefined ? "-" : row.met ? "met" : "NOT MET";
  console.log(`${row.figure.padEnd(50)}${row.value.padEnd(56)}${row.target.padEnd(9)}${result}`);
}
await ctx.cleanup();
process.exit(0);
