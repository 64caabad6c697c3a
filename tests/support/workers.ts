import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import type { TestContext } from "./context";

const root = fileURLToPath(new URL("../../", import.meta.url));

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A real `prs worker` process on the test context's database and data folder. */
export interface WorkerPoolProcess {
  child: ChildProcess;
  pid: number;
  /** The id it claims runs with (newWorkerId of that process). */
  workerId: string;
  output(): string;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function testEnv(ctx: TestContext, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PRS_DATA_DIR: ctx.env.dataDir, DATABASE_URL: ctx.env.databaseUrl, ...extra };
}

export function startWorkerPool(ctx: TestContext, extra: Record<string, string> = {}): WorkerPoolProcess {
  const child = spawn(process.execPath, [join(root, "bin/prs.mjs"), "worker"], { cwd: root, env: testEnv(ctx, extra), stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid!,
    workerId: `wrk_${hostname()}_${child.pid}`,
    output: () => text,
    alive,
    async kill(signal = "SIGKILL") {
      if (!alive()) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      await exited;
    },
  };
}

/** Rows of an append_row output file without its header. */
export function outputRows(file: string): string[] {
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(1);
}

/** An entry script that takes `ms` per mini-batch and returns one row per item. */
export function slowScript(ms: number): string {
  return `
import { readFileSync } from "node:fs";
export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, ${ms}));
  return batch.map((p) => ({ file: ctx.relativePath(p), value: readFileSync(p, "utf8") }));
}`;
}

/**
 * Renames a table of a SQLite database on a connection of its own (as another process would):
 * every statement on it then fails with "no such table" until it is renamed back.
 */
export async function renameSqliteTable(databaseUrl: string, from: string, to: string): Promise<void> {
  const client = createClient({ url: databaseUrl });
  try {
    await client.execute("PRAGMA busy_timeout = 10000");
    await client.execute(`ALTER TABLE "${from}" RENAME TO "${to}"`);
  } finally {
    client.close();
  }
}
