// Soak test (not in CI): the real product (`npm start`: supervisor, web server, worker pool) under
// mixed API load from many clients while runs are submitted, cancelled and resumed and worker
// processes (and now and then the whole pool) are SIGKILLed. At the end every run is driven to an
// end and each completed run's CSV is checked: every image exactly once.
//
//   npm run soak -- [--minutes 30] [--providers sqlite,postgresql] [--clients 20] [--port 3300]
//
// Prints requests, 4xx, 5xx (must be 0), runs completed, items lost and duplicated (must be 0),
// and peak RSS of the web server and the worker pool. Exits 1 when a must-be-zero figure is not.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";

const root = join(import.meta.dirname, "..");
const { values: opts } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    providers: { type: "string", default: "sqlite,postgresql" },
    clients: { type: "string", default: "20" },
    port: { type: "string", default: "3300" },
    "pg-admin": { type: "string", default: process.env.TEST_POSTGRES_URL ?? "postgresql://root@127.0.0.1:5432/postgres" },
  },
});
const minutes = Number(opts.minutes);
const clients = Number(opts.clients);
const port = Number(opts.port);
const base = `http://127.0.0.1:${port}`;
const STEP = "predict-digits-mnist";
const IMAGES = 10_000;

interface Figures {
  requests: number;
  status4xx: number;
  status5xx: number;
  networkErrors: number;
  fiveHundreds: string[];
  submitted: number;
  cancels: number;
  resumes: number;
  workerKills: number;
  poolKills: number;
  peakServerRss: number;
  peakPoolRss: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      /* the process ended while listing */
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The supervisor's children: the web server (and its next-server child) and the worker pool. */
function productPids(supervisor: number): { server: number[]; pool?: number } {
  const kids = childrenOf(supervisor);
  const pool = kids.find((p) => / worker\b/.test(cmdline(p)));
  const server = kids.filter((p) => p !== pool).flatMap((p) => [p, ...childrenOf(p)]);
  return { server, pool };
}

async function prepareDatabase(provider: string, dataDir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (provider === "sqlite") return { url: `file:${join(dataDir, "studio.db")}`, drop: async () => {} };
  const name = `prs_soak_${Date.now()}`;
  const admin = new pg.Client({ connectionString: opts["pg-admin"] });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(opts["pg-admin"]!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: opts["pg-admin"] });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function waitForHealth(product: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (product.exitCode !== null) throw new Error(`npm start exited with code ${product.exitCode} before the server answered`);
    try {
      const res = await fetch(`${base}/api/health`);
      const body = (await res.json()) as { workerPool?: string };
      if (res.ok && body.workerPool === "alive") return;
    } catch {
      /* not up yet */
    }
    await sleep(1000);
  }
  throw new Error(`the server at ${base} did not become healthy within ${timeoutMs / 1000} s`);
}

class Client {
  constructor(private readonly f: Figures) {}

  async call(method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; json: unknown }> {
    this.f.requests++;
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: body !== undefined || raw !== undefined ? { "content-type": "application/json" } : undefined,
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      this.f.networkErrors++;
      return { status: 0, json: { error: String(error) } };
    }
    const text = await res.text();
    if (res.status >= 500) {
      this.f.status5xx++;
      if (this.f.fiveHundreds.length < 20) this.f.fiveHundreds.push(`${method} ${path} -> ${res.status} ${text.slice(0, 200)}`);
    } else if (res.status >= 400) this.f.status4xx++;
    try {
      return { status: res.status, json: JSON.parse(text) };
    } catch {
      return { status: res.status, json: text };
    }
  }
}

interface RunRow {
  id: string;
  status: string;
}

async function listRuns(c: Client): Promise<RunRow[]> {
  const r = await c.call("GET", "/api/runs?experiment=soak&take=500");
  return r.status === 200 ? (r.json as { runs: RunRow[] }).runs : [];
}

/** One client's loop: reads dominate, with registrations, submissions, cancels, resumes and bad input. */
async function clientLoop(c: Client, f: Figures, until: number, runIds: string[], cancelled: Set<string>): Promise<void> {
  while (Date.now() < until) {
    const r = Math.random();
    const runId = runIds.length ? pick(runIds) : undefined;
    if (r < 0.2) await c.call("GET", "/api/runs");
    else if (r < 0.4 && runId) await c.call("GET", `/api/runs/${runId}`);
    else if (r < 0.5) await c.call("GET", "/api/datasets");
    else if (r < 0.58) await c.call("GET", "/api/pipelines");
    else if (r < 0.62) await c.call("GET", "/api/health");
    else if (r < 0.7) await c.call("POST", "/api/datasets", { name: "soak-images", kind: "file", datastore: "workspace", paths: ["mnist/"] });
    else if (r < 0.74 && runId) await c.call("GET", `/api/runs/${runId}/preview?step=${STEP}`);
    else if (r < 0.77 && runId) await c.call("GET", `/api/runs/${runId}/logs`);
    else if (r < 0.8) {
      const active = (await listRuns(c)).filter((x) => x.status === "queued" || x.status === "running").length;
      if (active < 4) {
        const res = await c.call("POST", "/api/runs", {
          pipeline: "digit-identification",
          experiment: "soak",
          parameters: { batch_size_param: pick([10, 50, 250, 1000]), process_count_param: pick([1, 2]) },
          regenerateOutputs: true,
        });
        if (res.status === 201) {
          runIds.push((res.json as { id: string }).id);
          f.submitted++;
        }
      }
    } else if (r < 0.83 && runId) {
      const res = await c.call("POST", `/api/runs/${runId}/cancel`);
      if (res.status === 200) {
        cancelled.add(runId);
        f.cancels++;
      }
    } else if (r < 0.87 && cancelled.size) {
      const id = pick([...cancelled]);
      const res = await c.call("POST", `/api/runs/${id}/resume`);
      if (res.status === 200) f.resumes++;
    } else if (r < 0.9) await c.call("POST", "/api/runs", undefined, "{not json");
    else if (r < 0.93) await c.call("POST", "/api/runs", { pipeline: "no-such-pipeline" });
    else if (r < 0.96) await c.call("GET", `/api/runs/run_nosuchrun/logs/content?step=${STEP}&path=../../../etc/passwd`);
    else await c.call("GET", "/api/runs/submission?pipeline=digit-identification");
  }
}

/** SIGKILLs a random worker process every few seconds and the whole pool about every 90 s. */
async function killerLoop(supervisor: number, f: Figures, until: number): Promise<void> {
  let nextPoolKill = Date.now() + 60_000 + Math.random() * 60_000;
  while (Date.now() < until) {
    await sleep(2000 + Math.random() * 5000);
    const { pool } = productPids(supervisor);
    if (!pool) continue;
    if (Date.now() > nextPoolKill) {
      process.kill(pool, "SIGKILL");
      f.poolKills++;
      nextPoolKill = Date.now() + 60_000 + Math.random() * 60_000;
      continue;
    }
    const workers = childrenOf(pool).filter((p) => /child/.test(cmdline(p)));
    if (workers.length) {
      try {
        process.kill(pick(workers), "SIGKILL");
        f.workerKills++;
      } catch {
        /* it ended by itself */
      }
    }
  }
}

async function sampleRss(supervisor: number, f: Figures, until: () => boolean): Promise<void> {
  while (!until()) {
    const { server, pool } = productPids(supervisor);
    f.peakServerRss = Math.max(
      f.peakServerRss,
      server.reduce((n, p) => n + rssBytes(p), 0),
    );
    if (pool) f.peakPoolRss = Math.max(f.peakPoolRss, rssBytes(pool));
    await sleep(1000);
  }
}

/** After the load: resume what was cancelled, wait for every run to end, check each CSV. */
async function settle(
  c: Client,
  runIds: string[],
): Promise<{ completed: number; failed: number; lost: number; duplicated: number; failedItems: number; unfinished: number }> {
  const deadline = Date.now() + 15 * 60_000;
  let runs: RunRow[] = [];
  while (Date.now() < deadline) {
    runs = await listRuns(c);
    for (const r of runs) if (r.status === "cancelled") await c.call("POST", `/api/runs/${r.id}/resume`);
    if (runs.every((r) => r.status === "completed" || r.status === "failed")) break;
    await sleep(2000);
  }
  const out = { completed: 0, failed: 0, lost: 0, duplicated: 0, failedItems: 0, unfinished: 0 };
  for (const r of runs) {
    if (r.status === "failed") out.failed++;
    if (r.status !== "completed" && r.status !== "failed") {
      out.unfinished++;
      continue;
    }
    const detail = (await c.call("GET", `/api/runs/${r.id}`)).json as { steps?: { counters: { failedItems: number } }[] };
    const failedItems = detail.steps?.reduce((n, s) => n + s.counters.failedItems, 0) ?? 0;
    out.failedItems += failedItems;
    if (r.status === "completed") out.completed++;
    const res = await fetch(`${base}/api/runs/${r.id}/output?step=${STEP}`);
    const lines = res.ok ? (await res.text()).split("\n").filter(Boolean).slice(1) : [];
    const files = new Set(lines.map((l) => l.split(",")[0]));
    out.duplicated += lines.length - files.size;
    out.lost += Math.max(0, IMAGES - failedItems - files.size);
  }
  if (!runIds.length) console.log("  (no runs were submitted)");
  return out;
}

async function soak(provider: string): Promise<boolean> {
  const dataDir = join(root, ".tmp", `soak-${provider}`);
  rmSync(dataDir, { recursive: true, force: true });
  const db = await prepareDatabase(provider, dataDir);
  const product = spawn(process.execPath, [join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", PRS_DATA_DIR: dataDir, DATABASE_URL: db.url, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logTail: string[] = [];
  const keep = (chunk: Buffer) => {
    logTail.push(...chunk.toString().split("\n").filter(Boolean));
    logTail.splice(0, Math.max(0, logTail.length - 40));
  };
  product.stdout!.on("data", keep);
  product.stderr!.on("data", keep);
  const f: Figures = {
    requests: 0,
    status4xx: 0,
    status5xx: 0,
    networkErrors: 0,
    fiveHundreds: [],
    submitted: 0,
    cancels: 0,
    resumes: 0,
    workerKills: 0,
    poolKills: 0,
    peakServerRss: 0,
    peakPoolRss: 0,
  };
  try {
    console.log(`[${provider}] starting the product on ${base} (data ${dataDir})`);
    await waitForHealth(product, 15 * 60_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; its last lines:\n    ${logTail.join("\n    ")}`);
    });
    const started = Date.now();
    const until = started + minutes * 60_000;
    const runIds: string[] = [];
    const cancelled = new Set<string>();
    let done = false;
    const rss = sampleRss(product.pid!, f, () => done);
    const progress = setInterval(
      () =>
        console.log(
          `[${provider}] ${((Date.now() - started) / 60_000).toFixed(1)} min: ${f.requests} requests, ${f.status5xx} 5xx, ${f.submitted} runs submitted, ${f.workerKills} worker kills, ${f.poolKills} pool kills`,
        ),
      60_000,
    );
    await Promise.all([...Array.from({ length: clients }, () => clientLoop(new Client(f), f, until, runIds, cancelled)), killerLoop(product.pid!, f, until)]);
    clearInterval(progress);
    console.log(`[${provider}] load done; driving every run to its end`);
    const s = await settle(new Client(f), runIds);
    done = true;
    await rss;
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
    console.log(`\n[${provider}] ${minutes} min, ${clients} clients`);
    console.log(`  requests ${f.requests}, 4xx ${f.status4xx}, 5xx ${f.status5xx}, network errors ${f.networkErrors}`);
    console.log(
      `  runs submitted ${f.submitted}, completed ${s.completed}, failed ${s.failed}, unfinished ${s.unfinished}; cancels ${f.cancels}, resumes ${f.resumes}`,
    );
    console.log(`  worker processes killed ${f.workerKills}, worker pool killed ${f.poolKills}`);
    console.log(`  items lost ${s.lost}, duplicated ${s.duplicated}, failed (recorded, after run_max_try) ${s.failedItems}`);
    console.log(`  peak RSS: web server ${mb(f.peakServerRss)}, worker pool ${mb(f.peakPoolRss)}`);
    for (const line of f.fiveHundreds) console.log(`  5xx: ${line}`);
    const ok = f.status5xx === 0 && s.lost === 0 && s.duplicated === 0 && s.unfinished === 0;
    if (!ok) console.log(`  FAILED; last lines of the product's output:\n    ${logTail.join("\n    ")}`);
    return ok;
  } finally {
    product.kill("SIGTERM");
    await new Promise((r) => (product.exitCode !== null ? r(null) : product.once("exit", r)));
    await db.drop();
  }
}

let ok = true;
for (const provider of opts.providers!.split(",")) {
  if (provider !== "sqlite" && provider !== "postgresql") throw new Error(`--providers takes sqlite and/or postgresql, got '${provider}'`);
  ok = (await soak(provider)) && ok;
}
process.exit(ok ? 0 : 1);
