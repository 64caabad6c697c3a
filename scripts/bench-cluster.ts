// npm run bench:cluster: the multi-machine mode on loopback (PostgreSQL + Redis at 127.0.0.1).
// (a) an I/O-bound script (50 ms per mini-batch of 10 items) on 1, 2 and 4 agents x 2 processes,
//     throughput against the ideal agents x processes / 0.05 s;
// (b) a no-op script: time per mini-batch through Redis against the embedded mode;
// (c) 100,000 mini-batch jobs queued: Redis memory and this process's memory.
// Agents run in this process (AgentHost) with their worker processes as real child processes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { AgentHost } from "../lib/cluster/agent-host";
import { executeRun } from "../lib/engine/orchestrator";
import { registerDataset } from "../lib/services/datasets";
import { publishPipeline } from "../lib/services/pipelines";
import { submitRun } from "../lib/services/runs";
import { makeCluster, REDIS_URL, startFileServer } from "../tests/support/cluster";
import { makeEntryScript, makeTestContext, makeTextFiles, type TestContext } from "../tests/support/context";

const SECRET = "bench-agent-secret-0123456789";
const ctx: TestContext = await makeTestContext("postgresql");
const scripts = {
  io: makeEntryScript(ctx, "io.mjs", "export async function run(batch) { await new Promise((r) => setTimeout(r, 50)); return batch.map((p) => p); }"),
  noop: makeEntryScript(ctx, "noop.mjs", "export function run(batch) { return batch.map((p) => p); }"),
};
makeTextFiles(ctx, "items", 1600);
await registerDataset(ctx.db, ctx.access, { name: "items", kind: "file", datastore: "workspace", paths: ["items/"] });

let n = 0;
async function runStep(script: string, target: string, nodes: number, size: number, cluster?: ReturnType<typeof makeCluster>) {
  const pv = await publishPipeline(ctx.db, {
    name: `bench-${++n}`,
    steps: [
      {
        name: "score",
        inputs: [{ dataset: "items" }],
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
  const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: pv.name, parameters: {} });
  const result = await executeRun({ db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "bench", cluster }, run.id);
  if (result.status !== "completed") throw new Error(result.reason);
  const ends = (await ctx.db.miniBatch.findMany({ where: { stepRun: { runId: run.id } }, select: { endedAt: true } }))
    .map((m) => m.endedAt!.getTime())
    .sort((a, b) => a - b);
  // Steady state: from the first mini-batch done to the last (process start-up left out).
  return { count: ends.length, seconds: (ends.at(-1)! - ends[0]!) / 1000 };
}

async function withAgents<T>(count: number, body: (cluster: ReturnType<typeof makeCluster>) => Promise<T>): Promise<T> {
  const cluster = makeCluster();
  const files = await startFileServer(cluster, SECRET);
  const dirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), "prs-bench-agent-")));
  const agents = dirs.map(
    (workDir) =>
      new AgentHost({
        pool: "bench",
        server: files.url,
        token: SECRET,
        redisUrl: REDIS_URL,
        queuePrefix: cluster.prefix,
        processes: 2,
        workDir,
        lockMs: 20_000,
      }),
  );
  await Promise.all(agents.map((a) => a.start()));
  try {
    return await body(cluster);
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await files.close();
    await cluster.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

console.log("(a) I/O-bound script, 50 ms per mini-batch of 10 items, 2 processes per agent");
for (const agents of [1, 2, 4]) {
  const { count, seconds } = await withAgents(agents, (cluster) => runStep(scripts.io, "bench", agents, 10, cluster));
  const rate = (count - 1) / seconds;
  const ideal = (agents * 2) / 0.05;
  console.log(`  ${agents} agent(s): ${rate.toFixed(1)} mini-batches/s, ideal ${ideal} → ${((rate / ideal) * 100).toFixed(0)}% of ideal`);
}

console.log("(b) no-op script, 1 item per mini-batch, 1 agent x 2 processes vs the embedded pool (1 node x 2 processes)");
const local = await runStep(scripts.noop, "local", 1, 1);
const remote = await withAgents(1, (cluster) => runStep(scripts.noop, "bench", 1, 1, cluster));
const perLocal = (local.seconds / (local.count - 1)) * 1000;
const perRemote = (remote.seconds / (remote.count - 1)) * 1000;
console.log(`  embedded ${perLocal.toFixed(2)} ms per mini-batch, through Redis ${perRemote.toFixed(2)} ms: overhead ${(perRemote - perLocal).toFixed(2)} ms`);

console.log("(c) 100,000 mini-batch jobs queued (10 file names each)");
{
  const cluster = makeCluster();
  const queue = new Queue(cluster.keys.queueName("idle"), { connection: cluster.redis, prefix: cluster.keys.prefix });
  const used = async () => Number(/used_memory:(\d+)/.exec(await cluster.redis.info("memory"))?.[1] ?? 0);
  const redisBefore = await used();
  const heapBefore = process.memoryUsage().rss;
  for (let i = 0; i < 100_000; i += 1000) {
    await queue.addBulk(
      Array.from({ length: 1000 }, (_, k) => ({
        name: "mini-batch",
        data: {
          stepKey: "run_bench_0123456789ab",
          idx: i + k,
          attempt: 1,
          items: { kind: "files", datastore: "workspace", root: "items", names: Array.from({ length: 10 }, (_, j) => `item-${j}.txt`) },
        },
        opts: { jobId: `bench_${i + k}_1`, priority: i + k + 1, removeOnComplete: true, removeOnFail: true },
      })),
    );
  }
  console.log(
    `  Redis +${((await used()) - redisBefore) / 1048576 < 0 ? 0 : (((await used()) - redisBefore) / 1048576).toFixed(0)} MB (${(((await used()) - redisBefore) / 100_000).toFixed(0)} bytes per job); this process +${((process.memoryUsage().rss - heapBefore) / 1048576).toFixed(0)} MB`,
  );
  await queue.obliterate({ force: true });
  await queue.close();
  await cluster.cleanup();
}
await ctx.cleanup();
process.exit(0);
