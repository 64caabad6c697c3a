/**
 * The benchmark's orchestrator process: what `prs worker` is in production (database client,
 * orchestrator, warm process pool), apart from the benchmark's own process so that its peak
 * memory is its own. The benchmark sends it runs to execute over IPC and gets figures back.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { median } from "./stats";

// Resident memory as the process grows, for the benchmark's breakdown: the bare runtime, then the
// product's modules, then the database client after its first query (Prisma's query compiler is
// WebAssembly, instantiated then). The benchmark bundles this file and runs it without tsx, with
// the pool's V8 flags (scripts/pool-command.mjs), as `npm start` runs the pool.
const rssMb = () => process.memoryUsage.rss() / 1048576;
const stages: [string, number][] = [["node", rssMb()]];
const { createDb } = await import("../../lib/db/client");
const { executeRun } = await import("../../lib/engine/orchestrator");
const { startRuntimeWarmPool } = await import("../../lib/engine/warm-pool");
const { loadEnv } = await import("../../lib/env");
const { datastoreAccess } = await import("../../lib/server/datastore-access");
const { submitRun } = await import("../../lib/services/runs");
stages.push(["+ modules (engine, services, zod, Prisma runtime, libsql)", rssMb()]);

export interface RunRequest {
  type: "run";
  pipeline: string;
  step: string;
}

export interface RunFigures {
  seconds: number;
  /** Submit -> first finished mini-batch. */
  firstMs: number;
  workersMb: number;
  /** Median in-worker overhead around run() per mini-batch (read items, write the record). */
  overheadMs: number;
  miniBatches: number;
  /** The step's output file, for the benchmark to count its rows. */
  output: string;
  runDir: string;
  /** CPU time this process (the orchestrator) spent during the run, user + system. */
  orchestratorCpuMs: number;
  /** This process's peak resident memory so far. */
  orchestratorMb: number;
  /** Resident memory at start-up stages, then after this run (MB), with the V8 heap's part. */
  memory: { stages: [string, number][]; heapUsedMb: number; heapTotalMb: number; externalMb: number };
}

const [work, localRoots, url, warm] = process.argv.slice(2) as [string, string, string, string];
const access = datastoreAccess(loadEnv({ ...process.env, PRS_DATA_DIR: work, PRS_LOCAL_ROOTS: localRoots }));
const db = await createDb(url);
await db.pipelineRun.count();
stages.push(["+ database client after a first query (Prisma query compiler, WebAssembly)", rssMb()]);
// As in `prs worker`: processes booted before the first submit, kept warm between runs.
const warmPool = startRuntimeWarmPool({ size: Number(warm), idleMs: 600_000, home: join(work, "warm-home") });

/**
 * Peak resident memory (VmHWM) of this process's children, sampled from /proc. The children are
 * found by a scan of /proc once a second (the warm processes live long), their memory read every
 * 100 ms: the sampler runs in the orchestrator's process and must not take its core.
 */
class ChildMemory {
  peak = new Map<number, number>();
  private children: number[] = [];
  private scannedAt = 0;
  private timer = setInterval(() => this.sample(), 100);
  private scan() {
    this.children = [];
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid) this.children.push(Number(pid));
      } catch {
        /* exited */
      }
    }
    this.scannedAt = Date.now();
  }
  sample() {
    if (Date.now() - this.scannedAt >= 1000) this.scan();
    for (const pid of this.children) {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) this.peak.set(pid, Math.max(this.peak.get(pid) ?? 0, Number(hwm[1]) / 1024));
      } catch {
        /* exited */
      }
    }
  }
  stop() {
    clearInterval(this.timer);
    this.sample();
    return Math.max(0, ...this.peak.values());
  }
}

async function execute(request: RunRequest): Promise<RunFigures> {
  const memory = new ChildMemory();
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const run = await submitRun(db, work, { pipeline: request.pipeline });
  let first = 0;
  const result = await executeRun(
    {
      db,
      provider: "sqlite",
      access,
      workerId: "bench",
      warmPool,
      events: { publish: (e) => void (e.type === "attempt" && !first && (first = performance.now())) },
    },
    run.id,
  );
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const mem = process.memoryUsage();
  const workersMb = memory.stop();
  if (result.status !== "completed") throw new Error(`bench run ${result.status}: ${result.reason}`);
  const report = readFileSync(join(run.runDir, request.step, "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  const overheads = report.map((l) => {
    const c = l.split(",");
    return (Number(c[10]) - Number(c[11])) * 1000;
  });
  return {
    seconds,
    firstMs: first - start,
    workersMb,
    overheadMs: median(overheads),
    miniBatches: report.length,
    output: join(work, "datastore", "runs", run.id, request.step, "parallel_run_step.txt"),
    runDir: run.runDir,
    orchestratorMb: process.resourceUsage().maxRSS / 1024,
    orchestratorCpuMs: (cpu.user + cpu.system) / 1000,
    memory: {
      stages: [...stages, ["after this run", rssMb()]],
      heapUsedMb: mem.heapUsed / 1048576,
      heapTotalMb: mem.heapTotal / 1048576,
      externalMb: mem.external / 1048576,
    },
  };
}

process.on("message", (message: RunRequest | { type: "exit" }) => {
  if (message.type === "exit") {
    void Promise.all([warmPool?.close(), db.$disconnect()]).finally(() => process.exit(0));
    return;
  }
  execute(message).then(
    (figures) => process.send?.({ type: "done", figures }),
    (error: unknown) => process.send?.({ type: "failed", error: error instanceof Error ? error.message : String(error) }),
  );
});
process.send?.({ type: "ready" });
