import { createReadStream, createWriteStream, existsSync, readFileSync } from "node:fs";
import { StoredStepOutput } from "../../lib/contracts/parallel-run-config";
import { parseColumn } from "../../lib/db/columns";
import { join } from "node:path";
import { pipeline as pipe } from "node:stream/promises";
import type { Db } from "../../lib/db/client";
import { parseOrThrow } from "../../lib/contracts/format";
import { RunStatus } from "../../lib/contracts/statuses";
import { AppError, invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { cancelRun, getRun, listRuns, resumeRun } from "../../lib/services/runs";
import { parse, required } from "../args";
import { EXIT, print } from "../exit-codes";
import { listTree } from "../list-tree";
import type { Remote } from "../remote/connection";
import { remoteRunCommand } from "../remote/runs";
import { runLocallyOrWait } from "./wait-for-run";

export const help = `  prs run list [--experiment <e>] [--status <s>]
  prs run show <run-id>
  prs run wait <run-id>
  prs run cancel <run-id>
  prs run resume <run-id> [--wait]
  prs run logs <run-id> [--step <name>] [--file job_result.txt]
  prs run download <run-id> [--step <name>] [--out <file>]`;

type RunFlags = { experiment?: string; status?: string; step?: string; file?: string; out?: string; wait?: boolean };

export async function runCommand(sub: string | undefined, argv: string[], remote?: Remote): Promise<number> {
  const { values, positionals } = parse(argv, {
    experiment: { type: "string" },
    status: { type: "string" },
    step: { type: "string" },
    file: { type: "string" },
    out: { type: "string" },
    wait: { type: "boolean", default: false },
  });
  if (remote) return remoteRunCommand(remote, sub, positionals[0], values);
  const ctx = await appContext();
  if (sub === "list") return listCommand(ctx.db, values);
  const runId = required(positionals[0], "run id");
  switch (sub) {
    case "show":
      return showRun(ctx.db, runId);
    case "wait":
      return runLocallyOrWait(runId);
    case "cancel": {
      const run = await cancelRun(ctx.db, runId);
      print(`run ${runId}: ${run.status}`);
      return EXIT.ok;
    }
    case "resume": {
      await resumeRun(ctx.db, runId, ctx.env.leaseMs);
      print(`run ${runId} queued again: only unfinished mini-batches will run`);
      return values.wait ? runLocallyOrWait(runId) : EXIT.ok;
    }
    case "logs":
      return printLogs(ctx.db, runId, values);
    case "download":
      return downloadOutput(ctx.db, runId, values);
    default:
      throw invalid("use: prs run list|show|wait|cancel|resume|logs|download");
  }
}

async function listCommand(db: Db, values: RunFlags): Promise<number> {
  const status = values.status === undefined ? undefined : parseOrThrow(RunStatus, values.status, "--status");
  for (const r of await listRuns(db, { experiment: values.experiment, status })) {
    const items = r.steps.reduce((n, s) => n + s.succeededItems, 0);
    const failed = r.steps.reduce((n, s) => n + s.failedItems, 0);
    print(`${r.id}\t${r.experimentName}\t${r.pipeline.name}\t${r.status}\t${r.createdAt.toISOString()}\t${items} items, ${failed} failed`);
  }
  return EXIT.ok;
}

/** The run and each step's counters; exits 1 when the run failed. */
async function showRun(db: Db, runId: string): Promise<number> {
  const run = await getRun(db, runId);
  print(`${run.id}  ${run.pipeline.name} v${run.pipelineVersion.version}  experiment ${run.experimentName}  ${run.status}`);
  print(`parameters: ${run.parameters}`);
  if (run.statusReason) print(run.statusReason);
  for (const s of run.steps) {
    print(
      `  ${s.stepName}: ${s.status}  mini-batches ${s.succeededMiniBatches + s.failedMiniBatches}/${s.totalMiniBatches} (${s.failedMiniBatches} failed)  items ${s.succeededItems}/${s.totalItems} (${s.failedItems} failed)  retries ${s.retries}`,
    );
  }
  return run.status === "failed" ? EXIT.failed : EXIT.ok;
}

/** job_result.txt and job_error.txt (or --file) of each step (or --step), and the other log files' names. */
async function printLogs(db: Db, runId: string, values: RunFlags): Promise<number> {
  const run = await getRun(db, runId);
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

/** The append_row output of a step (--step, else the last) to stdout or --out. */
async function downloadOutput(db: Db, runId: string, values: RunFlags): Promise<number> {
  const run = await getRun(db, runId);
  const step = values.step ? run.steps.find((s) => s.stepName === values.step) : run.steps.at(-1);
  if (!step) throw new AppError("not_found", `Run ${runId} has no ${values.step ? `step '${values.step}'` : "steps yet"}`);
  const config = parseColumn(StoredStepOutput, step.config, `Config of step ${step.stepName}`);
  if (config.outputAction !== "append_row") throw invalid(`step ${step.stepName} uses summary_only: its outputs are in ${step.outputDir}`);
  const file = join(step.outputDir, config.appendRowFileName);
  if (!existsSync(file)) throw new AppError("not_found", `step ${step.stepName} has no output yet (${run.status})`);
  await pipe(createReadStream(file), values.out ? createWriteStream(values.out) : process.stdout);
  if (values.out) print(`wrote ${values.out}`);
  return EXIT.ok;
}
