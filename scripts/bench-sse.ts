// SSE benchmark: latency from a worker's event to a browser-like SSE client, and what viewers cost
// the run. This process is the worker (executeRun with the DbEventSink, 2 worker processes); a
// child process is the web server (the real route handler behind node:http) with N SSE clients.
//
//   npx tsx scripts/bench-sse.ts [--items 6000] [--viewers 50] [--rounds 3]
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDb, type Db } from "../lib/db/client";
import { loadEnv } from "../lib/env";
import { datastoreAccess } from "../lib/server/datastore-access";
import { migrate } from "../lib/db/migrate";
import { providerOf } from "../lib/db/provider";
import { DbEventSink } from "../lib/engine/db-events";
import { executeRun } from "../lib/engine/orchestrator";
import { readSse } from "../lib/http/sse";
import { registerDataset } from "../lib/services/datasets";
import { ensureDefaultDatastore } from "../lib/services/datastores";
import { publishPipeline } from "../lib/services/pipelines";
import { submitRun } from "../lib/services/runs";

type ToServer = { type: "watch"; runId: string; viewers: number } | { type: "stop" };
type FromServer = { type: "listening"; port: number } | { type: "watching" } | { type: "latencies"; values: number[]; events: number };

async function serverMain(): Promise<void> {
  const { GET } = await import("../app/api/runs/[runId]/events/route");
  const server = createServer(async (req, res) => {
    const runId = /\/api\/runs\/([^/]+)\/events/.exec(req.url ?? "")?.[1] ?? "";
    const abort = new AbortController();
    req.on("close", () => abort.abort());
    const response = await GET(new Request(`http://127.0.0.1${req.url}`, { signal: abort.signal, headers: req.headers as Record<string, string> }), {
      params: Promise.resolve({ runId }),
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const send = (m: FromServer) => process.send!(m);
  send({ type: "listening", port });
  let stopClients: (() => Promise<{ values: number[]; events: number }>) | undefined;
  process.on("message", async (m: ToServer) => {
    if (m.type === "watch") {
      const latencies: number[] = [];
      let events = 0;
      const aborts: AbortController[] = [];
      const readers: Promise<void>[] = [];
      for (let v = 0; v < m.viewers; v++) {
        const abort = new AbortController();
        aborts.push(abort);
        const res = await fetch(`http://127.0.0.1:${port}/api/runs/${m.runId}/events`, { signal: abort.signal });
        readers.push(
          (async () => {
            try {
              for await (const msg of readSse(res.body!)) {
                const event = JSON.parse(msg.data) as { type: string; at?: number };
                if (event.type === "snapshot" || event.at === undefined) continue;
                events++;
                latencies.push(Date.now() - event.at);
              }
            } catch {
              /* aborted */
            }
          })(),
        );
      }
      stopClients = async () => {
        for (const a of aborts) a.abort();
        await Promise.all(readers);
        return { values: latencies, events };
      };
      send({ type: "watching" });
    } else if (m.type === "stop") {
      const result = (await stopClients?.()) ?? { values: [], events: 0 };
      stopClients = undefined;
      send({ type: "latencies", ...result });
    }
  });
}

function once<T extends FromServer["type"]>(child: ChildProcess, type: T): Promise<Extract<FromServer, { type: T }>> {
  return new Promise((resolve) => {
    const on = (m: FromServer) => {
      if (m.type === type) {
        child.off("message", on);
        resolve(m as Extract<FromServer, { type: T }>);
      }
    };
    child.on("message", on);
  });
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { items: { type: "string", default: "6000" }, viewers: { type: "string", default: "50" }, rounds: { type: "string", default: "3" } },
  });
  const items = Number(values.items);
  const viewerCount = Number(values.viewers);
  const rounds = Number(values.rounds);
  const dataDir = mkdtempSync(join(tmpdir(), "prs-bench-sse-"));
  const databaseUrl = `file:${join(dataDir, "studio.db")}`;
  await migrate(databaseUrl);
  const db: Db = await createDb(databaseUrl);
  const provider = providerOf(databaseUrl);
  const access = datastoreAccess(loadEnv({ ...process.env, PRS_DATA_DIR: dataDir }));
  await ensureDefaultDatastore(db, access);
  const folder = join(dataDir, "datastore", "bench");
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < items; i++) writeFileSync(join(folder, `item-${String(i).padStart(6, "0")}.txt`), `value ${i}`);
  await registerDataset(db, access, { name: "bench", kind: "file", datastore: "workspace", paths: ["bench/*.txt"] });
  const script = join(dataDir, "score.mjs");
  // About 1 ms of CPU per item, so the run is CPU-bound like real scoring.
  writeFileSync(
    script,
    `import { createHash } from "node:crypto";
export function run(batch) {
  return batch.map((f) => { let h = f; const end = Date.now() + 1; while (Date.now() < end) h = createHash("sha1").update(h).digest("hex"); return { file: f.slice(-15), h: h.slice(0, 8) }; });
}
`,
  );
  await publishPipeline(db, {
    name: "bench-sse",
    steps: [
      {
        name: "score",
        inputs: [{ dataset: "bench" }],
        allow_reuse: false,
        parallel_run_config: {
          entry_script: script,
          mini_batch_size: 10,
          error_threshold: -1,
          output_action: "append_row",
          node_count: 1,
          process_count_per_node: 2,
          run_invocation_timeout: 60,
          run_max_try: 3,
        },
      },
    ],
  });

  const child = fork(new URL(import.meta.url).pathname, ["--server"], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, DATABASE_URL: databaseUrl, PRS_DATA_DIR: dataDir },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await once(child, "listening");

  const sink = new DbEventSink(db);
  const runOnce = async (viewers: number) => {
    const run = await submitRun(db, dataDir, { pipeline: "bench-sse" });
    if (viewers > 0) {
      child.send({ type: "watch", runId: run.id, viewers } satisfies ToServer);
      await once(child, "watching");
    }
    const started = Date.now();
    await executeRun({ db, provider, access, workerId: "bench", events: sink }, run.id);
    await sink.flush();
    const seconds = (Date.now() - started) / 1000;
    let latency: number[] = [];
    let events = 0;
    if (viewers > 0) {
      await new Promise((r) => setTimeout(r, 600)); // the last events reach the clients
      child.send({ type: "stop" } satisfies ToServer);
      const got = await once(child, "latencies");
      latency = got.values;
      events = got.events;
    }
    const stored = await db.runEvent.count({ where: { runId: run.id } });
    return { viewers, seconds, itemsPerSecond: items / seconds, latency, events, stored };
  };

  console.log(
    `SSE benchmark: ${items} items, mini_batch_size 10 (${items / 10} mini-batches), 2 worker processes, ${rounds} rounds; SQLite; web server in a separate process`,
  );
  await runOnce(0); // warm-up
  const results: Awaited<ReturnType<typeof runOnce>>[] = [];
  for (let r = 0; r < rounds; r++) for (const v of [0, viewerCount, 1]) results.push(await runOnce(v));
  child.send({ type: "stop" } satisfies ToServer);
  child.kill("SIGTERM");

  const median = (xs: number[]) => percentile(xs, 50);
  for (const v of [0, 1, viewerCount]) {
    const rs = results.filter((x) => x.viewers === v);
    const lat = rs.flatMap((x) => x.latency);
    console.log(
      `${String(v).padStart(3)} viewers: ${median(rs.map((x) => x.itemsPerSecond)).toFixed(0)} items/s (runs: ${rs.map((x) => x.itemsPerSecond.toFixed(0)).join(", ")}); ` +
        `events stored per run ${rs[0]!.stored}` +
        (v > 0
          ? `; worker event -> SSE client latency p50 ${percentile(lat, 50)} ms, p95 ${percentile(lat, 95)} ms, max ${Math.max(...lat)} ms over ${rs.reduce((n, x) => n + x.events, 0)} deliveries`
          : ""),
    );
  }
  const base = median(results.filter((x) => x.viewers === 0).map((x) => x.itemsPerSecond));
  const loaded = median(results.filter((x) => x.viewers === viewerCount).map((x) => x.itemsPerSecond));
  console.log(`cost of ${viewerCount} viewers to the run's throughput: ${(((base - loaded) / base) * 100).toFixed(1)}% (target < 5%)`);
  await db.$disconnect();
  rmSync(dataDir, { recursive: true, force: true });
}

if (process.argv.includes("--server")) void serverMain();
else
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
