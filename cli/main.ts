import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pipeline as pipe } from "node:stream/promises";
import YAML from "yaml";
import { AppError, errorMessage, invalid } from "../lib/errors";
import { databaseUnavailable, isDbUnavailable } from "../lib/db/retry";
import { appContext } from "../lib/server/context";
import { ensureSample } from "../samples/seed";
import { listDatastores, registerDatastore } from "../lib/services/datastores";
import { listDatasets, registerDataset } from "../lib/services/datasets";
import { listModels, registerModel } from "../lib/services/models";
import { getPipelineVersion, listPipelines, publishPipeline } from "../lib/services/pipelines";
import { cancelRun, getRun, listRuns, resumeRun, submitRun } from "../lib/services/runs";
import { executeRun, newWorkerId } from "../lib/engine/orchestrator";
import { DbEventSink } from "../lib/engine/db-events";
import { testEntryScript } from "../lib/engine/local-test";
import { runWorkerPool } from "../workers/pool";
import { poolIsAlive } from "../lib/engine/pool-heartbeat";
import { pairs, parse, required } from "./args";
import { watchRun } from "./progress";
import { DELETE_HELP, deleteCommand } from "./registry-commands";

/** Exit codes: 0 success, 1 run failed, 2 invalid input, 3 not found, 4 conflict, 5 cancelled, 6 configuration, 7 database unavailable, 70 internal. */
const EXIT = { ok: 0, failed: 1, invalid_input: 2, not_found: 3, conflict: 4, cancelled: 5, configuration: 6, unavailable: 7, internal: 70 } as const;

const HELP = `prs: Parallel Run Studio command line

  prs setup                                     migrate the database and create the sample (MNIST) pipeline
  prs datastore add <name> --kind local --root <dir>
  prs datastore add <name> --kind azure-blob --container <c> (--connection-string <s> | --account-url <u> --sas <t> | --account-name <a> --account-key <k>)
  prs datastore list
  prs dataset add <name> --datastore <ds> --path <path-or-glob> [--path ...] [--kind file|tabular] [--format csv|jsonl|parquet] [--delimiter ,] [--no-header]
  prs dataset list
  prs model add <name> --file <model.onnx> [--description <text>] [--tag key=value ...]
  prs model list
${DELETE_HELP}
  prs pipeline create <definition.json|yaml>    publish a pipeline (a new version when it changed)
  prs pipeline list | show <name> [--version N]
  prs submit <pipeline> [--experiment <name>] [--param name=value ...] [--version N] [--regenerate-outputs] [--wait]
  prs run list [--experiment <e>] [--status <s>]
  prs run show <run-id>
  prs run wait <run-id>
  prs run cancel <run-id>
  prs run resume <run-id> [--wait]
  prs run logs <run-id> [--step <name>] [--file job_result.txt]
  prs run download <run-id> [--step <name>] [--out <file>]
  prs test-script <entry-script> <file-or-folder> [...] [--mini-batch-size N] [--arg value ...]
  prs worker                                    run the worker pool (npm start runs it with the web server)

With --wait and no worker pool running, the run is executed by this command.
Exit codes: 0 success, 1 run failed, 2 invalid input, 3 not found, 4 conflict, 5 cancelled,
6 configuration (DATABASE_URL, environment), 7 database unavailable (try again).`;

const print = (line = "") => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      print(HELP);
      return EXIT.ok;
    case "setup":
      return setup();
    case "datastore":
    case "dataset":
    case "model":
      if (sub === "delete") return deleteCommand(command, rest);
      return command === "datastore" ? datastoreCommand(sub, rest) : command === "dataset" ? datasetCommand(sub, rest) : modelCommand(sub, rest);
    case "pipeline":
      return pipelineCommand(sub, rest);
    case "submit":
      return submit(sub ? [sub, ...rest] : rest);
    case "run":
      return runCommand(sub, rest);
    case "test-script":
      return testScript(sub ? [sub, ...rest] : rest);
    case "worker": {
      const ctx = await appContext();
      await runWorkerPool(ctx, { log: (l) => print(l) });
      return EXIT.ok;
    }
    default:
      throw invalid(`unknown command '${command}'; see prs help`);
  }
}

async function setup(): Promise<number> {
  const ctx = await appContext();
  await ensureSample(ctx, (l) => print(l));
  print(`ready: data in ${ctx.env.dataDir}`);
  return EXIT.ok;
}

async function datastoreCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  if (sub === "list") {
    for (const d of await listDatastores(ctx.db)) print(`${d.name}\t${d.kind}\t${JSON.stringify(d.config)}${d.hasSecret ? "\t(secret set)" : ""}`);
    return EXIT.ok;
  }
  if (sub !== "add") throw invalid("use: prs datastore add|list|delete");
  const { values, positionals } = parse(argv, {
    kind: { type: "string", default: "local" },
    root: { type: "string" },
    container: { type: "string" },
    "connection-string": { type: "string" },
    "account-url": { type: "string" },
    "account-name": { type: "string" },
    "account-key": { type: "string" },
    sas: { type: "string" },
  });
  const name = required(positionals[0], "datastore name");
  if (values.kind === "local") {
    const view = await registerDatastore(ctx.db, { name, kind: "local", config: { root: resolve(required(values.root, "--root <folder>")) } });
    print(`registered datastore ${view.name} (local ${String(view.config.root)})`);
    return EXIT.ok;
  }
  if (values.kind !== "azure-blob") throw invalid(`--kind must be local or azure-blob, got '${values.kind}'`);
  const auth = values["connection-string"] ? "connection-string" : values.sas ? "sas" : values["account-key"] ? "account-key" : undefined;
  if (!auth) throw invalid("an azure-blob datastore needs --connection-string, --sas or --account-key");
  const view = await registerDatastore(ctx.db, {
    name,
    kind: "azure-blob",
    config: { container: required(values.container, "--container"), auth, accountUrl: values["account-url"], accountName: values["account-name"] },
    secret: { connectionString: values["connection-string"], sasToken: values.sas, accountKey: values["account-key"] },
  });
  print(`registered datastore ${view.name} (azure-blob container ${String(view.config.container)})`);
  return EXIT.ok;
}

async function datasetCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  if (sub === "list") {
    for (const d of await listDatasets(ctx.db)) print(`${d.name}:${d.version}\t${d.kind}\t${d.datastore}\t${d.paths.join(" ")}`);
    return EXIT.ok;
  }
  if (sub !== "add") throw invalid("use: prs dataset add|list|delete");
  const { values, positionals } = parse(argv, {
    datastore: { type: "string", default: "workspace" },
    path: { type: "string", multiple: true },
    kind: { type: "string" },
    format: { type: "string" },
    delimiter: { type: "string" },
    "no-header": { type: "boolean", default: false },
    description: { type: "string" },
  });
  const kind = (values.kind ?? (values.format ? "tabular" : "file")) as "file" | "tabular";
  if (kind !== "file" && kind !== "tabular") throw invalid(`--kind must be file or tabular, got '${String(values.kind)}'`);
  const view = await registerDataset(ctx.db, {
    name: required(positionals[0], "dataset name"),
    kind,
    datastore: values.datastore!,
    paths: values.path ?? [],
    description: values.description,
    options: kind === "tabular" ? { format: values.format ?? "csv", ...(values.delimiter ? { delimiter: values.delimiter } : {}), header: !values["no-header"] } : undefined,
  });
  print(`registered dataset ${view.name}:${view.version} (${view.kind}, ${view.datastore}: ${view.paths.join(" ")})`);
  return EXIT.ok;
}

async function modelCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  if (sub === "list") {
    for (const m of await listModels(ctx.db)) {
      const io = (list: { name: string; type: string; shape: (number | string)[] }[]) => list.map((t) => `${t.name} ${t.type}[${t.shape.join(",")}]`).join("; ");
      print(`${m.name}:${m.version}\tin: ${io(m.signature.inputs)}\tout: ${io(m.signature.outputs)}\t${m.description ?? ""}`);
    }
    return EXIT.ok;
  }
  if (sub !== "add") throw invalid("use: prs model add|list|delete");
  const { values, positionals } = parse(argv, { file: { type: "string" }, description: { type: "string" }, tag: { type: "string", multiple: true } });
  const view = await registerModel(ctx.db, join(ctx.env.dataDir, "models"), {
    name: required(positionals[0], "model name"),
    file: resolve(required(values.file, "--file <model.onnx>")),
    description: values.description,
    tags: pairs(values.tag, "--tag"),
  });
  print(`registered model ${view.name}:${view.version}`);
  for (const t of view.signature.inputs) print(`  input  ${t.name}: ${t.type} [${t.shape.join(", ")}]`);
  for (const t of view.signature.outputs) print(`  output ${t.name}: ${t.type} [${t.shape.join(", ")}]`);
  return EXIT.ok;
}

/** Reads a JSON or YAML definition; relative entry scripts and source folders are made absolute. */
export function readDefinition(file: string): unknown {
  if (!existsSync(file)) throw invalid(`definition file '${file}' not found`);
  const text = readFileSync(file, "utf8");
  let def: unknown;
  try {
    def = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw invalid(`definition file '${file}' is not valid ${/\.ya?ml$/i.test(file) ? "YAML" : "JSON"}: ${errorMessage(error)}`);
  }
  const base = dirname(resolve(file));
  const steps = (def as { steps?: Record<string, Record<string, unknown>>[] })?.steps;
  for (const step of Array.isArray(steps) ? steps : []) {
    const cfg = (step.parallel_run_config ?? step.parallelRunConfig) as Record<string, unknown> | undefined;
    if (!cfg || typeof cfg !== "object") continue;
    for (const key of ["source_directory", "sourceDirectory"]) {
      if (typeof cfg[key] === "string" && !isAbsolute(cfg[key])) cfg[key] = resolve(base, cfg[key]);
    }
    const hasSource = cfg.source_directory ?? cfg.sourceDirectory;
    for (const key of ["entry_script", "entryScript"]) {
      if (typeof cfg[key] === "string" && !hasSource && !isAbsolute(cfg[key])) cfg[key] = resolve(base, cfg[key]);
    }
  }
  return def;
}

async function pipelineCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  if (sub === "create") {
    const { positionals } = parse(argv, {});
    const published = await publishPipeline(ctx.db, readDefinition(required(positionals[0], "definition file")));
    print(published.created ? `published pipeline ${published.name} version ${published.version}` : `pipeline ${published.name} version ${published.version} is unchanged`);
    return EXIT.ok;
  }
  if (sub === "list") {
    for (const p of await listPipelines(ctx.db)) print(`${p.name}\tv${p.latestVersion}\t${p.runs} runs\t${p.description ?? ""}`);
    return EXIT.ok;
  }
  if (sub === "show") {
    const { values, positionals } = parse(argv, { version: { type: "string" } });
    const pv = await getPipelineVersion(ctx.db, required(positionals[0], "pipeline name"), values.version ? Number(values.version) : undefined);
    print(YAML.stringify(pv.definition));
    return EXIT.ok;
  }
  throw invalid("use: prs pipeline create|list|show");
}

async function runLocallyOrWait(runId: string): Promise<number> {
  const ctx = await appContext();
  let status: string;
  if (await poolIsAlive(ctx.db)) {
    status = await watchRun(ctx.db, runId);
  } else {
    process.stderr.write("no worker pool is running: executing the run in this process\n");
    const watching = watchRun(ctx.db, runId);
    const events = new DbEventSink(ctx.db);
    await executeRun({ db: ctx.db, provider: ctx.provider, workerId: newWorkerId(), events, leaseMs: ctx.env.leaseMs }, runId);
    await events.close();
    status = await watching;
  }
  const run = await getRun(ctx.db, runId);
  print(`run ${runId} ${run.status}: ${run.statusReason ?? ""}`);
  for (const step of run.steps) {
    const file = join(run.runDir, step.stepName, "logs", "job_result.txt");
    if (existsSync(file)) print(`  logs: ${dirname(file)}`);
    print(`  output: ${step.outputDir}`);
  }
  return status === "completed" ? EXIT.ok : status === "cancelled" ? EXIT.cancelled : EXIT.failed;
}

async function submit(argv: string[]): Promise<number> {
  const ctx = await appContext();
  const { values, positionals } = parse(argv, {
    experiment: { type: "string" },
    param: { type: "string", multiple: true },
    version: { type: "string" },
    wait: { type: "boolean", default: false },
    "regenerate-outputs": { type: "boolean", default: false },
  });
  const run = await submitRun(ctx.db, ctx.env.dataDir, {
    pipeline: required(positionals[0], "pipeline name"),
    experiment: values.experiment,
    version: values.version ? Number(values.version) : undefined,
    parameters: pairs(values.param, "--param"),
    regenerateOutputs: values["regenerate-outputs"],
  });
  print(`submitted run ${run.id} (experiment ${run.experimentName})`);
  if (!values.wait) {
    if (!(await poolIsAlive(ctx.db))) print("no worker pool is running: start one with `npm start` or `prs worker`, or submit with --wait");
    return EXIT.ok;
  }
  return runLocallyOrWait(run.id);
}

async function runCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  const { values, positionals } = parse(argv, {
    experiment: { type: "string" },
    status: { type: "string" },
    step: { type: "string" },
    file: { type: "string" },
    out: { type: "string" },
    wait: { type: "boolean", default: false },
  });
  if (sub === "list") {
    for (const r of await listRuns(ctx.db, { experiment: values.experiment, status: values.status })) {
      const items = r.steps.reduce((n, s) => n + s.succeededItems, 0);
      const failed = r.steps.reduce((n, s) => n + s.failedItems, 0);
      print(`${r.id}\t${r.experimentName}\t${r.pipeline.name}\t${r.status}\t${r.createdAt.toISOString()}\t${items} items, ${failed} failed`);
    }
    return EXIT.ok;
  }
  const runId = required(positionals[0], "run id");
  switch (sub) {
    case "show": {
      const run = await getRun(ctx.db, runId);
      print(`${run.id}  ${run.pipeline.name} v${run.pipelineVersion.version}  experiment ${run.experimentName}  ${run.status}`);
      print(`parameters: ${run.parameters}`);
      if (run.statusReason) print(run.statusReason);
      for (const s of run.steps) {
        print(`  ${s.stepName}: ${s.status}  mini-batches ${s.succeededMiniBatches + s.failedMiniBatches}/${s.totalMiniBatches} (${s.failedMiniBatches} failed)  items ${s.succeededItems}/${s.totalItems} (${s.failedItems} failed)  retries ${s.retries}`);
      }
      return run.status === "failed" ? EXIT.failed : EXIT.ok;
    }
    case "wait":
      return runLocallyOrWait(runId);
    case "cancel": {
      const run = await cancelRun(ctx.db, runId);
      print(`run ${runId}: ${run.status}`);
      return EXIT.ok;
    }
    case "resume": {
      await resumeRun(ctx.db, runId);
      print(`run ${runId} queued again: only unfinished mini-batches will run`);
      return values.wait ? runLocallyOrWait(runId) : EXIT.ok;
    }
    case "logs": {
      const run = await getRun(ctx.db, runId);
      const steps = values.step ? run.steps.filter((s) => s.stepName === values.step) : run.steps;
      if (values.step && steps.length === 0) throw new AppError("not_found", `Run ${runId} has no step '${values.step}'`);
      for (const s of steps) {
        const dir = join(run.runDir, s.stepName, "logs");
        const files = values.file ? [values.file] : ["job_result.txt", "job_error.txt"];
        print(`== ${s.stepName} (${dir})`);
        for (const f of files) {
          const path = join(dir, f);
          print(`-- ${f}`);
          print(existsSync(path) ? readFileSync(path, "utf8").trimEnd() : "(not written yet)");
        }
        if (!values.file && existsSync(dir)) print(`other logs: ${listTree(dir).join(", ")}`);
      }
      return EXIT.ok;
    }
    case "download": {
      const run = await getRun(ctx.db, runId);
      const step = values.step ? run.steps.find((s) => s.stepName === values.step) : run.steps.at(-1);
      if (!step) throw new AppError("not_found", `Run ${runId} has no ${values.step ? `step '${values.step}'` : "steps yet"}`);
      const config = JSON.parse(step.config) as { outputAction: string; appendRowFileName: string };
      if (config.outputAction !== "append_row") throw invalid(`step ${step.stepName} uses summary_only: its outputs are in ${step.outputDir}`);
      const file = join(step.outputDir, config.appendRowFileName);
      if (!existsSync(file)) throw new AppError("not_found", `step ${step.stepName} has no output yet (${run.status})`);
      const { createWriteStream } = await import("node:fs");
      await pipe(createReadStream(file), values.out ? createWriteStream(values.out) : process.stdout);
      if (values.out) print(`wrote ${values.out}`);
      return EXIT.ok;
    }
    default:
      throw invalid("use: prs run list|show|wait|cancel|resume|logs|download");
  }
}

function listTree(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTree(path, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}

async function testScript(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    "mini-batch-size": { type: "string", default: "10" },
    arg: { type: "string", multiple: true },
    "logging-level": { type: "string", default: "DEBUG" },
    timeout: { type: "string", default: "60" },
  });
  const [script, ...inputs] = positionals;
  if (!script || inputs.length === 0) throw invalid("use: prs test-script <entry-script> <file-or-folder> [...]");
  const size = Number(values["mini-batch-size"]);
  if (!Number.isInteger(size) || size < 1) throw invalid(`--mini-batch-size must be a whole number >= 1, got '${values["mini-batch-size"]}'`);
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw invalid(`input '${input}' not found`);
    if (statSync(input).isDirectory()) files.push(...listTree(input).map((f) => join(input, f)));
    else files.push(input);
  }
  const level = String(values["logging-level"]).toUpperCase();
  if (!["DEBUG", "INFO", "WARNING"].includes(level)) throw invalid(`--logging-level must be DEBUG, INFO or WARNING, got '${level}'`);
  const result = await testEntryScript({ script, files: files.slice(0, size), arguments: values.arg, loggingLevel: level as "DEBUG", timeoutSeconds: Number(values.timeout) });
  if (result.initError) {
    process.stderr.write(`init() failed: ${result.initError}\n`);
    return EXIT.failed;
  }
  const r = result.result;
  process.stdout.write(result.output);
  process.stderr.write(`${r.status}: ${r.succeeded} of ${r.itemCount} items succeeded, ${r.failed} failed, run() took ${r.runSeconds.toFixed(3)} s\n`);
  if (r.error) process.stderr.write(`error: ${r.error}\n`);
  for (const e of r.itemErrors) process.stderr.write(`failed item ${e.item}: ${e.reason}\n`);
  process.stderr.write(`logs: ${result.logDir}\n`);
  return r.status === "RUN_DONE" ? EXIT.ok : EXIT.failed;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((caught: unknown) => {
    const error = !(caught instanceof AppError) && isDbUnavailable(caught) ? databaseUnavailable(caught) : caught;
    if (error instanceof AppError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(EXIT[error.code as keyof typeof EXIT] ?? EXIT.internal);
    }
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.internal);
  });
