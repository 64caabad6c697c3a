/**
 * The `npm start` path of a run, measured from outside: the real worker pool program (workers/pool-main.ts,
 * bundled as scripts/build-workers.mjs bundles it, run with the pool's V8 flags) on the benchmark's
 * database and data folder, with its warm processes booted; runs submitted as the web server submits
 * them (submitRun, which wakes the pool). Submit -> first finished mini-batch comes from the step's
 * attempt report (end_time of its first row), the pool's peak memory from /proc (VmHWM).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../lib/db/client";
import { bundleSplit } from "../esbuild-node.mjs";
import { submitRun } from "../../lib/services/runs";

export interface PoolPathFigures {
  /** Per run: submit -> first finished mini-batch (ms) and submit -> run completed (s). */
  runs: { pipeline: string; firstMs: number; seconds: number }[];
  peakRssMb: number;
}

export async function measurePoolPath(options: {
  root: string;
  work: string;
  localRoots: string;
  databaseUrl: string;
  db: Db;
  processes: number;
  nodeFlags: string[];
  nodeEnv: Record<string, string>;
  /** Each pipeline is run this many times, in turn, after `warmup` rounds that are not counted (the first runs init() in the warm processes). */
  rounds: number;
  warmup: number;
  pipelines: string[];
  step: string;
}): Promise<PoolPathFigures> {
  const { root, work, db } = options;
  const bundle = await bundleSplit({ name: "pool", entry: join(root, "workers", "pool-main.ts"), outdir: join(root, ".build", "bench") });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PRS_DATA_DIR: work,
    DATABASE_URL: options.databaseUrl,
    PRS_LOCAL_ROOTS: options.localRoots,
    PRS_WARM_PROCESSES: String(options.processes),
    PRS_WORKER_USER: "same",
    ...options.nodeEnv,
  };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [...options.nodeFlags, bundle], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    for (let waited = 0; !output.includes("polling for runs"); waited += 50) {
      if (child.exitCode !== null || waited > 60_000) throw new Error(`the worker pool did not start: ${output}`);
      await sleep(50);
    }
    await sleep(3000); // its warm processes boot (runtime, onnxruntime) before any submit
    const runs: PoolPathFigures["runs"] = [];
    for (let round = 0; round < options.warmup + options.rounds; round++) {
      for (const pipeline of options.pipelines) {
        const submitted = Date.now();
        const run = await submitRun(db, work, { pipeline });
        let status = "queued";
        while (!["completed", "failed", "cancelled"].includes(status)) {
          await sleep(20);
          status = (await db.pipelineRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } })).status;
        }
        const seconds = (Date.now() - submitted) / 1000;
        if (status !== "completed") throw new Error(`pool path: run ${run.id} ${status}: ${output.slice(-2000)}`);
        const rows = readFileSync(join(run.runDir, options.step, "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8")
          .trim()
          .split("\n")
          .slice(1);
        const firstEnd = Math.min(...rows.map((row) => Date.parse(row.split(",")[7]!)));
        if (round >= options.warmup) runs.push({ pipeline, firstMs: firstEnd - submitted, seconds });
      }
    }
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    return { runs, peakRssMb: hwm ? Number(hwm[1]) / 1024 : Number.NaN };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}
