/**
 * The orchestrator process of `npm run bench -- --files N`: what `prs worker` is in production
 * (database client, orchestrator, warm process pool, run events stored through the DbEventSink so
 * the web server streams them), with its resident memory sampled over each run. Two probes, for
 * the benchmark only: how many files the step's listing has yielded, and when the first mini-batch
 * is handed to a worker process (to show that work starts before the listing ends).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AzureBlobDatastore } from "../../lib/datastores/azure-blob";
import { LocalDatastore } from "../../lib/datastores/local";
import type { DatastoreEntry, ListOptions } from "../../lib/datastores/types";
import { createDb } from "../../lib/db/client";
import { LocalAgent } from "../../lib/engine/agent";
import { DbEventSink } from "../../lib/engine/db-events";
import { executeRun } from "../../lib/engine/orchestrator";
import { startRuntimeWarmPool } from "../../lib/engine/warm-pool";
import { loadEnv } from "../../lib/env";
import { datastoreAccess } from "../../lib/server/datastore-access";
import { submitRun } from "../../lib/services/runs";

export type ToRunner = { type: "run"; pipeline: string; step: string } | { type: "exit" };

export interface FilesRunFigures {
  seconds: number;
  /** Submit -> first mini-batch handed to a worker process. */
  firstDispatchMs: number;
  /** Files the listing had yielded when the first mini-batch was handed out. */
  listedAtFirstDispatch: number;
  /** Files listed in all (the step's listing). */
  listed: number;
  /** Submit -> the listing's last entry. */
  listingEndMs: number;
  miniBatches: number;
  /** Memory of this process, sampled every 250 ms from submit to the end: [ms since submit, resident MB, V8 heap MB, of it used MB]. */
  rss: [number, number, number, number][];
  output: string;
  runId: string;
}

export type FromRunner =
  | { type: "ready" }
  | { type: "submitted"; runId: string }
  | { type: "done"; figures: FilesRunFigures }
  | { type: "failed"; error: string };

const [work, localRoots, url, warm] = process.argv.slice(2) as [string, string, string, string];
const access = datastoreAccess(loadEnv({ ...process.env, PRS_DATA_DIR: work, PRS_LOCAL_ROOTS: localRoots }));
const db = await createDb(url);
const warmPool = startRuntimeWarmPool({ size: Number(warm), idleMs: 600_000, home: join(work, "warm-home") });
const sink = new DbEventSink(db, { onError: (error) => console.error(`run events not stored: ${String(error)}`) });

// Probes (benchmark only): entries yielded by datastore listings, the first mini-batch handed out.
const probe = { listed: 0, firstDispatchAt: 0, listedAtFirstDispatch: 0, listingEndAt: 0 };
for (const proto of [LocalDatastore.prototype, AzureBlobDatastore.prototype] as {
  list(pattern: string, options?: ListOptions): AsyncIterable<DatastoreEntry>;
}[]) {
  const list = proto.list;
  proto.list = async function* (this: unknown, pattern: string, options?: ListOptions) {
    for await (const entry of list.call(this, pattern, options)) {
      probe.listed++;
      yield entry;
    }
    probe.listingEndAt = performance.now();
  };
}
const agent = LocalAgent.prototype as unknown as { send(slot: unknown, message: { type: string }): void };
const send = agent.send;
agent.send = function (this: unknown, slot: unknown, message: { type: string }) {
  if (message.type === "run" && !probe.firstDispatchAt) {
    probe.firstDispatchAt = performance.now();
    probe.listedAtFirstDispatch = probe.listed;
  }
  send.call(this, slot, message);
};

async function execute(request: { pipeline: string; step: string }): Promise<FilesRunFigures> {
  Object.assign(probe, { listed: 0, firstDispatchAt: 0, listedAtFirstDispatch: 0, listingEndAt: 0 });
  const rss: [number, number, number, number][] = [];
  const start = performance.now();
  const sample = () => {
    const m = process.memoryUsage();
    rss.push([performance.now() - start, m.rss / 2 ** 20, m.heapTotal / 2 ** 20, m.heapUsed / 2 ** 20]);
  };
  sample();
  const timer = setInterval(sample, 250);
  try {
    const run = await submitRun(db, work, { pipeline: request.pipeline });
    process.send?.({ type: "submitted", runId: run.id } satisfies FromRunner);
    const result = await executeRun(
      {
        db,
        provider: "sqlite",
        access,
        workerId: "bench-files",
        warmPool,
        events: {
          publish: (e) => sink.publish(e),
        },
      },
      run.id,
    );
    const seconds = (performance.now() - start) / 1000;
    await sink.flush();
    sample();
    if (result.status !== "completed") throw new Error(`bench run ${result.status}: ${result.reason}`);
    const step = await db.stepRun.findFirstOrThrow({ where: { runId: run.id, stepName: request.step } });
    const report = readFileSync(join(run.runDir, request.step, "logs", "sys", "job_report", "processed_mini-batches.csv"), "utf8");
    return {
      seconds,
      firstDispatchMs: probe.firstDispatchAt - start,
      listedAtFirstDispatch: probe.listedAtFirstDispatch,
      listed: probe.listed,
      listingEndMs: (probe.listingEndAt || performance.now()) - start,
      miniBatches: Math.max(step.totalMiniBatches, report.trim().split("\n").length - 1),
      rss,
      output: join(work, "datastore", "runs", run.id, request.step, "parallel_run_step.txt"),
      runId: run.id,
    };
  } finally {
    clearInterval(timer);
  }
}

process.on("message", (message: ToRunner) => {
  if (message.type === "exit") {
    void Promise.all([sink.close(), warmPool?.close()])
      .then(() => db.$disconnect())
      .finally(() => process.exit(0));
    return;
  }
  execute(message).then(
    (figures) => process.send?.({ type: "done", figures } satisfies FromRunner),
    (error: unknown) => process.send?.({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromRunner),
  );
});
process.send?.({ type: "ready" } satisfies FromRunner);
