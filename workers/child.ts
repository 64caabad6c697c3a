/**
 * A worker process: loads the entry script, calls init() once, run() per mini-batch and
 * shutdown() at the end. It reads its items from the datastore, appends the mini-batch's rows as
 * one record to its own segment file and reports counts (and where the record is) to its agent
 * over IPC.
 */
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openHandedDatastore } from "../lib/datastores/handed";
import type { Datastore } from "../lib/datastores/types";
import { ensureFolder, isStorageFailure, storageError } from "../lib/fs/durable-write";
import { resolveImportsFrom } from "../lib/engine/environment-imports";
import { ProcessLog } from "../lib/engine/process-log";
import {
  MAX_ITEM_ERRORS_PER_BATCH,
  type ChildMessage,
  type ChildSetup,
  type ItemError,
  type ItemsSpec,
  type ParentMessage,
  type PartMeta,
} from "../lib/engine/protocol";
import { formatRows } from "../lib/engine/rows";
import { SegmentWriter } from "../lib/engine/segments";
import type { EntryContext, EntryScript, MiniBatch } from "../lib/sdk/entry-script";

let setup: ChildSetup;
let script: EntryScript;
let context: EntryContext;
let log: ProcessLog;
let segment: SegmentWriter | undefined;
const datastores = new Map<string, Datastore>();
let itemErrors: ItemError[] = [];
let relative = new Map<string, string>();

const send = (message: ChildMessage) => process.send?.(message);

process.on("disconnect", () => process.exit(0));

process.on("message", (message: ParentMessage) => {
  void handle(message);
});

/**
 * Started by a warm process pool (lib/engine/warm-pool.ts): onnxruntime is loaded now, before
 * any step takes the process, so that a built-in scorer's init() does not wait for it.
 */
const warmStart = process.argv.includes("--warm");
let chain: Promise<void> = warmStart
  ? import("onnxruntime-node").then(
      () => undefined,
      () => undefined, // not installed: the scorer that needs it says so in init()
    )
  : Promise.resolve();
function handle(message: ParentMessage): Promise<void> {
  // Messages are handled one at a time, in order: the agent may queue the next mini-batch early.
  chain = chain.then(() => dispatch(message));
  return chain;
}

async function dispatch(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case "setup":
      if (message.environment) applyEnvironment(message.environment);
      if (message.keepInit && script) return rebind(message.setup);
      return start(message.setup);
    case "run":
      return runMiniBatch(message.idx, message.attempt, message.items);
    case "release":
      return release();
    case "shutdown":
      return stop();
  }
}

/** A pooled process takes the step's whole environment at setup: the variables it started with are replaced. */
function applyEnvironment(environment: Record<string, string>): void {
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
}

let released = false;

/**
 * The step ended and the process goes back to its warm pool: its log and segment file are closed
 * (every record is whole); the entry script and its init() state stay, for the same runtime only.
 */
function release(): void {
  try {
    log?.close();
    segment?.close();
  } catch (error) {
    process.stderr.write(`${describe(error).error}\n`);
  }
  segment = undefined;
  released = true;
  send({ type: "released" });
}

/** The same runtime again (a warm process): the new run's folders and log; init() is not run again. */
function rebind(s: ChildSetup): void {
  if (!openRun(s)) return;
  log.info("init() kept from an earlier run of the same step runtime");
  log.flush();
  send({ type: "ready" });
}

function datastore(name: string): Datastore {
  let ds = datastores.get(name);
  if (!ds) {
    const spec = setup.datastores[name];
    if (!spec) throw new Error(`datastore '${name}' was not given to this process`);
    ds = openHandedDatastore(spec.kind, spec.config, spec.secret);
    datastores.set(name, ds);
  }
  return ds;
}

function describe(error: unknown): { error: string; stack?: string } {
  if (error instanceof Error)
    return { error: `${error.name === "Error" || error.name === "AppError" ? "" : `${error.name}: `}${error.message}`, stack: error.stack };
  return { error: String(error) };
}

/** Binds the process to a run: its log, folders and context; false (after saying why) when they cannot be opened. */
function openRun(s: ChildSetup): boolean {
  setup = s;
  released = false;
  segment = undefined;
  datastores.clear();
  try {
    log = new ProcessLog(
      join(s.logDir, "user", "entry_script_log", String(s.nodeId), `${s.processId}.log.txt`),
      s.loggingLevel,
      `[node ${s.nodeId} process ${s.processId}]`,
    );
    ensureFolder(s.outputDir, s.outputDir, "output folder");
  } catch (error) {
    // Without a log or an output folder no mini-batch can be recorded: say why instead of dying.
    send({ type: "init_failed", ...describe(error) });
    return false;
  }
  const args: Record<string, string> = {};
  for (let i = 0; i < s.arguments.length; i++) {
    const a = s.arguments[i]!;
    if (a.startsWith("--") && i + 1 < s.arguments.length) args[a.slice(2)] = s.arguments[++i]!;
  }
  const values: EntryContext = {
    runId: s.runId,
    stepName: s.stepName,
    nodeId: s.nodeId,
    processId: s.processId,
    logger: log,
    outputDir: s.outputDir,
    logDir: join(s.logDir, "user"),
    sideInputs: s.sideInputs,
    arguments: s.arguments,
    args,
    settings: s.settings,
    relativePath: (item: string) => relative.get(item) ?? basename(item),
    failItem(item, reason) {
      const key = String(item);
      if (itemErrors.length < MAX_ITEM_ERRORS_PER_BATCH) itemErrors.push({ item: relative.get(key) ?? key, reason });
    },
  };
  // One context object for the process's life: a warm process's script that kept it from init()
  // sees the current run's folders and logger.
  if (context) Object.assign(context, values);
  else context = values;
  return true;
}

async function start(s: ChildSetup): Promise<void> {
  if (!openRun(s)) return;
  try {
    if (s.environmentDir) resolveImportsFrom(s.environmentDir, studioFolders());
    script = await loadEntryScript(s.entryModule, s.entryLabel);
    await script.init?.(context);
    log.info("init() done");
    log.flush();
    send({ type: "ready" });
  } catch (error) {
    const d = describe(error);
    log.error(`init() failed: ${d.error}`);
    log.flush();
    send({ type: "init_failed", ...d });
  }
}

/** The studio's own code (sources or the worker bundle) and packages: their imports never come from an environment. */
function studioFolders(): string[] {
  const base = dirname(dirname(fileURLToPath(import.meta.url)));
  // The bundle (.build/, its chunks at the top) is all studio code; from the sources, lib/ and workers/ are.
  if (basename(base) === ".build") return [base, join(dirname(base), "node_modules")];
  return ["lib", "workers", "node_modules"].map((f) => join(base, f));
}

/** Whether TypeScript modules can be imported: started with `--import tsx` (runtime.ts), or registered below. */
let tsxLoaded = process.execArgv.some((arg) => arg === "tsx" || arg === "--import=tsx");

async function loadEntryScript(path: string, label: string): Promise<EntryScript> {
  let mod: Record<string, unknown>;
  if (/\.[cm]?tsx?$/.test(path) && !tsxLoaded) {
    // TypeScript entry scripts: load the TypeScript loader only when one is used.
    const [esm, cjs] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
    esm.register();
    cjs.register();
    tsxLoaded = true;
  }
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const d = describe(error);
    throw new Error(`entry script '${label}' could not be loaded: ${d.error}`);
  }
  const candidate = (typeof mod.run === "function" ? mod : (mod.default as Record<string, unknown> | undefined)) ?? {};
  if (typeof candidate.run !== "function") {
    throw new Error(`entry script '${label}' has no run() export: add "export async function run(miniBatch, context) { ... }"`);
  }
  return candidate as unknown as EntryScript;
}

async function loadItems(items: ItemsSpec): Promise<{ batch: MiniBatch; count: number; bad: ItemError[] }> {
  const ds = datastore(items.datastore);
  if (items.kind === "files") {
    const local = await ds.materialize(
      items.names.map((n) => items.root + n),
      join(setup.cacheDir, items.datastore),
    );
    relative = new Map();
    for (let i = 0; i < local.length; i++) relative.set(local[i]!, items.names[i]!);
    return { batch: local, count: local.length, bad: [] };
  }
  const { readSlice } = await import("../lib/datasets/tabular/read");
  const { columns, rows, badRows } = await readSlice(ds, items.slice as never, items.options as never);
  const batch = Object.assign(rows, { columns });
  return { batch, count: rows.length + badRows.length, bad: badRows.map((b) => ({ item: `row ${b.row}`, reason: b.reason })) };
}

async function runMiniBatch(idx: number, attempt: number, items: ItemsSpec): Promise<void> {
  const started = performance.now();
  itemErrors = [];
  let itemCount = items.kind === "files" ? items.names.length : 0;
  let runSeconds = 0;
  try {
    const { batch, count, bad } = await loadItems(items);
    itemCount = count;
    itemErrors.push(...bad.slice(0, MAX_ITEM_ERRORS_PER_BATCH));
    const runStart = performance.now();
    log.debug(`run() mini-batch ${idx} attempt ${attempt}: ${batch.length} items`);
    const results: unknown = await script.run(batch, context);
    runSeconds = (performance.now() - runStart) / 1000;
    if (!Array.isArray(results)) {
      throw Object.assign(
        new Error(`run() must return an array with one element per successfully processed item, got ${results === null ? "null" : typeof results}`),
        { resultCount: true },
      );
    }
    if (results.length > batch.length) {
      const message = `run() returned ${results.length} results for ${batch.length} items: return one element per successfully processed item, not more`;
      log.error(`mini-batch ${idx}: ${message}`);
      log.flush();
      send({
        type: "result",
        idx,
        attempt,
        status: "RESULT_COUNT_ERROR",
        itemCount,
        succeeded: 0,
        failed: itemCount,
        runSeconds,
        totalSeconds: (performance.now() - started) / 1000,
        error: message,
        itemErrors: [],
      });
      return;
    }
    const succeeded = results.length;
    const failed = itemCount - succeeded;
    if (failed > itemErrors.length && itemErrors.length < MAX_ITEM_ERRORS_PER_BATCH) {
      itemErrors.push({
        item: `mini-batch ${idx}`,
        reason: `run() returned ${succeeded} results for ${batch.length} items: ${failed - bad.length} items gave no result`,
      });
    }
    const { lines, columns } = setup.outputAction === "append_row" ? formatRows(results) : { lines: "", columns: null };
    const totalSeconds = (performance.now() - started) / 1000;
    const meta: PartMeta = { idx, attempt, itemCount, succeeded, failed, columns, itemErrors, runSeconds, totalSeconds };
    if (failed > 0) log.warning(`mini-batch ${idx}: ${failed} of ${itemCount} items failed`);
    // The log first: once the record is written the mini-batch is done, whatever follows.
    log.flush();
    segment ??= new SegmentWriter(join(setup.segmentsDir, `${setup.nodeId}-${setup.processId}-${process.pid}.seg`));
    const location = segment.append(meta, lines);
    send({
      type: "result",
      idx,
      attempt,
      status: "RUN_DONE",
      itemCount,
      succeeded,
      failed,
      runSeconds,
      totalSeconds,
      itemErrors,
      output: { ...location, columns },
    });
  } catch (error) {
    const totalSeconds = (performance.now() - started) / 1000;
    send({ type: "result", idx, attempt, itemCount, succeeded: 0, failed: itemCount, runSeconds, totalSeconds, itemErrors, ...failureOf(error, idx, attempt) });
  }
}

/**
 * How a failed mini-batch is reported. A full disk or read-only folder (writing the segment, the
 * log, or the script's own files) is STORAGE_ERROR: the step stops with that sentence rather than
 * retrying, and the mini-batch is not counted as done.
 */
function failureOf(error: unknown, idx: number, attempt: number): { status: "RUN_EXCEPTION" | "STORAGE_ERROR"; error: string; stack?: string } {
  let storage = isStorageFailure(error) ? storageError(error, (error as NodeJS.ErrnoException).path ?? "a file") : undefined;
  const d = storage ? { error: storage.message, stack: (error as Error).stack } : describe(error);
  try {
    log.error(`run() failed on mini-batch ${idx} attempt ${attempt}: ${d.error}${d.stack ? `\n${d.stack}` : ""}`);
    log.flush();
  } catch (logError) {
    // The log could not take the message: that (full disk...) is the failure to report.
    storage ??= storageError(logError, "the process log");
    return { status: "STORAGE_ERROR", error: storage.message, stack: d.stack };
  }
  return { status: storage ? "STORAGE_ERROR" : "RUN_EXCEPTION", ...d };
}

async function stop(): Promise<void> {
  try {
    await script?.shutdown?.(context);
  } catch (error) {
    log?.error(`shutdown() failed: ${describe(error).error}`);
  }
  try {
    // A released process's log and segment are closed already.
    if (!released) log?.close();
    segment?.close();
  } catch (error) {
    // Every record was already reported whole; a log line lost at exit is told on stderr.
    process.stderr.write(`${describe(error).error}\n`);
  }
  send({ type: "shutdown_done" });
  process.disconnect?.();
}
