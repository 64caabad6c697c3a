/**
 * `npm run bench -- --files N [--azurite]`: N real PNG files (copies of the MNIST test images
 * under distinct names) in a local folder under .tmp/bench-files (reused when complete), or with
 * --azurite uploaded to an Azurite container, registered as a dataset and scored by the sample
 * pipeline (MNIST image classifier) through the product's path: the orchestrator process
 * (scripts/bench/files-runner.ts) with its worker processes, the real Next server beside it.
 * Printed: throughput against a 60,000-image run of the same configuration in the same
 * session, the orchestrator's resident memory over the run, GET /api/runs p95 during the run, the
 * SSE event rate, when the first mini-batch was handed out (files listed by then), and a
 * streamed check that the output has N rows in input order.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ContainerClient } from "@azure/storage-blob";
import { createApiToken } from "../../lib/auth/api-tokens";
import { createUser } from "../../lib/auth/users";
import { createDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { defaultDatabaseUrl, loadEnv } from "../../lib/env";
import { datastoreAccess } from "../../lib/server/datastore-access";
import { registerDataset } from "../../lib/services/datasets";
import { ensureDefaultDatastore, registerDatastore } from "../../lib/services/datastores";
import { registerModel } from "../../lib/services/models";
import { publishPipeline } from "../../lib/services/pipelines";
import { ensureMnistAssets } from "../../samples/mnist/assets";
import { startAzurite } from "../../tests/support/azurite";
import { bundleSplit } from "../esbuild-node.mjs";
import { POOL_NODE_FLAGS } from "../pool-command.mjs";
import { checkOutput, ensureLocalFiles, fileName, loadImages, setFolder, uploadBlobs, warmLocalFiles } from "./files-data";
import type { FilesRunFigures, FromRunner, ToRunner } from "./files-runner";
import { percentile, startWebServer, watchRun, type WebFigures } from "./files-web";

export interface FilesBenchOptions {
  files: number;
  azurite: boolean;
  processes: number;
  miniBatchSize: number;
  /** Passes over the 10,000 test images for the comparison run (6: the 60,000-image section). */
  passes: number;
  port: number;
  dist: string;
}

const fmt = (n: number, d = 0) => n.toLocaleString("en", { minimumFractionDigits: d, maximumFractionDigits: d });

/** The orchestrator process's program as plain JavaScript in .build/bench/ (as the 60,000-image section's product-runner). */
function runnerBundle(root: string): Promise<string> {
  return bundleSplit({ name: "files-runner", entry: join(import.meta.dirname, "files-runner.ts"), outdir: join(root, ".build", "bench") });
}

class Runner {
  private readonly child: ChildProcess;
  readonly ready: Promise<void>;

  /** `script`: the bundled files-runner (runnerBundle), run as `npm start` runs the pool: no tsx, the pool's V8 flags. */
  constructor(script: string, work: string, localRoots: string, url: string, warm: number) {
    this.child = fork(script, [work, localRoots, url, String(warm)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: process.env.PRS_BENCH_RUNNER_FLAGS ? process.env.PRS_BENCH_RUNNER_FLAGS.split(" ") : POOL_NODE_FLAGS,
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once("message", () => resolve());
      this.child.once("exit", (code) => reject(new Error(`the orchestrator process exited (${code}) before it was ready`)));
    });
    this.exited = new Promise((_, reject) => this.child.once("exit", (code) => reject(new Error(`the orchestrator process exited (${code}) during a run`))));
    this.exited.catch(() => undefined);
  }

  private readonly exited: Promise<never>;

  async run(pipeline: string, onSubmitted: (runId: string) => void): Promise<FilesRunFigures> {
    await this.ready;
    const answer = new Promise<FilesRunFigures>((resolve, reject) => {
      const onMessage = (m: FromRunner) => {
        if (m.type === "submitted") return onSubmitted(m.runId);
        this.child.off("message", onMessage);
        if (m.type === "done") resolve(m.figures);
        else if (m.type === "failed") reject(new Error(m.error));
      };
      this.child.on("message", onMessage);
      this.child.send({ type: "run", pipeline, step: "score" } satisfies ToRunner);
    });
    return Promise.race([answer, this.exited]);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ type: "exit" } satisfies ToRunner);
    await exited;
  }
}

interface Measured {
  run: FilesRunFigures;
  web: WebFigures;
}

function describe(label: string, items: number, m: Measured, reference?: number): void {
  const rate = items / m.run.seconds;
  const rss = m.run.rss.map(([, mb]) => mb);
  const peak = Math.max(...rss);
  const points = m.run.rss.filter((_, i, all) => i % Math.max(1, Math.ceil(all.length / 10)) === 0 || i === all.length - 1);
  console.log(
    `\n== ${label} (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}: other work on the machine moves these figures)`,
  );
  console.log(
    `throughput: ${fmt(items)} files in ${fmt(m.run.seconds, 2)} s = ${fmt(rate)} items/s${reference ? `; ${fmt((rate / reference) * 100, 1)}% of the 60,000-image figure ${fmt(reference)} items/s (target >= 90%)` : ""}`,
  );
  console.log(
    `listing: first mini-batch dispatched after ${fmt(m.run.listedAtFirstDispatch)} of ${fmt(m.run.listed)} files listed, ${fmt(m.run.firstDispatchMs)} ms after submit; listing ended at ${fmt(m.run.listingEndMs / 1000, 2)} s; ${fmt(m.run.miniBatches)} mini-batches`,
  );
  console.log(
    `orchestrator RSS: start ${fmt(rss[0]!)} MB, peak ${fmt(peak)} MB, end ${fmt(rss[rss.length - 1]!)} MB (target <= 300 MB, flat); over the run (s: resident/V8 heap/used): ${points.map(([t, mb, heap, used]) => `${fmt(t / 1000, 0)}s ${fmt(mb)}/${fmt(heap)}/${fmt(used)}`).join(", ")}`,
  );
  console.log(
    `GET /api/runs during the run: p95 ${fmt(percentile(m.web.latencies, 95), 1)} ms, p50 ${fmt(percentile(m.web.latencies, 50), 1)} ms, max ${fmt(Math.max(...m.web.latencies), 1)} ms over ${m.web.latencies.length} requests (target p95 <= 200 ms)`,
  );
  console.log(
    `SSE /api/runs/{id}/events: ${m.web.sseEvents} events in ${fmt(m.web.sseSeconds, 1)} s = ${fmt(m.web.sseEvents / Math.max(m.web.sseSeconds, 0.001), 1)} events/s`,
  );
}

export async function runFilesBench(options: FilesBenchOptions): Promise<void> {
  const { files, processes } = options;
  if (!Number.isInteger(files) || files < 1) throw new Error(`--files must be a positive whole number of files, got '${options.files}'`);
  const root = join(import.meta.dirname, "..", "..");
  const cache = join(tmpdir(), "prs-bench-assets");
  const filesRoot = join(root, ".tmp", "bench-files");
  const work = join(tmpdir(), `prs-bench-files-${process.pid}`);
  mkdirSync(work, { recursive: true });
  mkdirSync(filesRoot, { recursive: true });
  const log = (line: string) => console.log(`  ${line}`);
  console.log(
    `Parallel Run Studio, ${fmt(files)} files${options.azurite ? " in Azurite (Blob path)" : " in a local folder"}: ${processes} processes, mini_batch_size ${options.miniBatchSize}`,
  );
  const imagesDir = join(cache, "mnist");
  await ensureMnistAssets({ modelPath: join(cache, "mnist.onnx"), imagesDir, labelsPath: join(cache, "mnist_labels.csv"), log });
  const images = loadImages(imagesDir);

  const localRoots = [cache, filesRoot].join(delimiter);
  const env = { PRS_DATA_DIR: work, PRS_LOCAL_ROOTS: localRoots };
  const access = datastoreAccess(loadEnv({ ...process.env, ...env }));
  const url = defaultDatabaseUrl(work);
  await migrate(url);
  const db = await createDb(url);
  const azurite = options.azurite ? await startAzurite() : undefined;
  let server: Awaited<ReturnType<typeof startWebServer>> | undefined;
  let runner: Runner | undefined;
  try {
    await ensureDefaultDatastore(db, access);
    await registerDatastore(db, access, { name: "bench", kind: "local", config: { root: cache } });
    await registerModel(db, join(work, "models"), { name: "mnist", file: join(cache, "mnist.onnx") });
    await registerDataset(db, access, { name: "images", kind: "file", datastore: "bench", paths: Array.from({ length: options.passes }, () => "mnist/*.png") });
    if (azurite) {
      const container = "bench-files";
      await uploadBlobs(new ContainerClient(azurite.connectionString, container), files, images, log);
      await registerDatastore(db, access, {
        name: "files",
        kind: "azure-blob",
        config: { container, auth: "connection-string" },
        secret: { connectionString: azurite.connectionString },
      });
    } else {
      ensureLocalFiles(filesRoot, files, images, log);
      warmLocalFiles(filesRoot, files, log);
      await registerDatastore(db, access, { name: "files", kind: "local", config: { root: filesRoot } });
    }
    await registerDataset(db, access, { name: "many", kind: "file", datastore: "files", paths: [`${setFolder(files)}/`] });
    for (const [name, dataset] of [
      ["bench-images", "images"],
      ["bench-files", "many"],
    ] as const) {
      await publishPipeline(db, {
        name,
        steps: [
          {
            name: "score",
            inputs: [{ dataset }],
            parallel_run_config: {
              scorer: { kind: "onnx-image-classifier", model: "mnist" },
              mini_batch_size: options.miniBatchSize,
              error_threshold: -1,
              output_action: "append_row",
              node_count: 1,
              process_count_per_node: processes,
              logging_level: "WARNING",
            },
            allow_reuse: false,
          },
        ],
      });
    }
    const user = await createUser(db, { email: "bench@bench.example", name: "Bench", password: `bench-${process.pid}-password`, role: "admin" });
    const { token } = await createApiToken(db, { userId: user.id, email: user.email, name: user.name, role: "admin", via: "session" }, { name: "bench" });

    server = await startWebServer(root, env, options.port, options.dist, log);
    log(`web server ${server.origin} (${options.dist})`);
    runner = new Runner(await runnerBundle(root), work, localRoots, url, processes);
    const origin = server.origin;
    const r = runner;
    const measure = async (pipeline: string): Promise<Measured> => {
      const watch = watchRun(origin, token);
      try {
        const run = await r.run(pipeline, (runId) => watch.follow(runId));
        return { run, web: await watch.stop() };
      } catch (error) {
        await watch.stop().catch(() => undefined);
        throw error;
      }
    };
    const comparison = options.passes * 10_000;
    // Same configuration, same session: a warm-up run (discarded), then the best of two.
    await measure("bench-images");
    const references: Measured[] = [];
    for (let i = 0; i < 2; i++) {
      const m = await measure("bench-images");
      const rows = (await checkOutput(m.run.output, () => "")).rows;
      if (rows !== comparison) throw new Error(`the ${fmt(comparison)}-image run wrote ${rows} rows, expected ${comparison}`);
      rmSync(m.run.output, { force: true });
      references.push(m);
    }
    const reference = references.reduce((a, b) => (b.run.seconds < a.run.seconds ? b : a));
    describe(
      `${fmt(comparison)} images (${options.passes} passes over the MNIST test PNGs), local datastore, best of 2 after a warm-up`,
      comparison,
      reference,
    );

    const big = await measure("bench-files");
    describe(`${fmt(files)} files, ${azurite ? "Azurite blob container" : "local folder"}`, files, big, comparison / reference.run.seconds);
    const start = performance.now();
    const check = await checkOutput(big.run.output, (i) => fileName(i, files));
    const bytes = statSync(big.run.output).size;
    const order = check.firstOutOfOrder
      ? `OUT OF ORDER at row ${check.firstOutOfOrder.row}: expected ${check.firstOutOfOrder.expected}, found ${check.firstOutOfOrder.found}`
      : "every row in input order";
    console.log(
      `output: ${fmt(check.rows)} rows (expected ${fmt(files)}: ${check.rows === files ? "ok" : "WRONG"}), ${order}; ${fmt(bytes / 2 ** 20, 1)} MB streamed in ${fmt((performance.now() - start) / 1000, 1)} s`,
    );
    if (check.rows !== files || check.firstOutOfOrder) process.exitCode = 1;
  } finally {
    await runner?.close();
    await server?.stop();
    await db.$disconnect();
    await azurite?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
