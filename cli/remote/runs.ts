import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline as pipe } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { RunStatus } from "../../lib/contracts/statuses";
import { parseOrThrow } from "../../lib/contracts/format";
import { AppError, invalid } from "../../lib/errors";
import { EXIT, print } from "../exit-codes";
import type { Remote } from "./connection";
import { watchRemoteRun } from "./watch";

/** The flags of `prs run`, as cli/commands/run.ts parses them. */
export interface RunFlags {
  experiment?: string;
  status?: string;
  step?: string;
  file?: string;
  out?: string;
  wait?: boolean;
}

/** Says so when the server has no worker pool: the run would wait in the queue. */
export async function remoteNoPoolWarning(remote: Remote): Promise<void> {
  const health = await remote.api.health().catch(() => undefined);
  if (health?.workerPool === "not running") print(`no worker pool is running on ${remote.target.server}: the run waits in the queue until one starts`);
}

/** Follows the run's live events to its end; prints how it ended; exits 0, 5 (cancelled) or 1. */
export async function waitRemote(remote: Remote, runId: string): Promise<number> {
  const { status, reason } = await watchRemoteRun(remote, runId);
  print(`run ${runId} ${status}: ${reason ?? ""}`);
  print(`  output: prs run download ${runId}   logs: prs run logs ${runId}`);
  return status === "completed" ? EXIT.ok : status === "cancelled" ? EXIT.cancelled : EXIT.failed;
}

/** `prs run <sub>` through the API (the local version is cli/commands/run.ts). */
export async function remoteRunCommand(remote: Remote, sub: string | undefined, runId: string | undefined, values: RunFlags): Promise<number> {
  const { api } = remote;
  if (sub === "list") {
    const status = values.status === undefined ? undefined : parseOrThrow(RunStatus, values.status, "--status");
    for (const r of (await api.listRuns({ query: { experiment: values.experiment, status } })).runs)
      print(`${r.id}\t${r.experimentName}\t${r.pipeline}\t${r.status}\t${r.createdAt}\t${r.succeededItems} items, ${r.failedItems} failed`);
    return EXIT.ok;
  }
  if (!runId) throw invalid("missing run id");
  const params = { params: { runId } };
  switch (sub) {
    case "show": {
      const { run, steps } = await api.getRun(params);
      print(`${run.id}  ${run.pipeline} v${run.pipelineVersion}  experiment ${run.experimentName}  ${run.status}`);
      print(`parameters: ${JSON.stringify(run.parameters)}`);
      if (run.statusReason) print(run.statusReason);
      for (const s of steps) {
        const c = s.counters;
        print(
          `  ${s.name}: ${s.status}  mini-batches ${c.succeededMiniBatches + c.failedMiniBatches}/${c.totalMiniBatches} (${c.failedMiniBatches} failed)  items ${c.succeededItems}/${c.totalItems} (${c.failedItems} failed)  retries ${c.retries}`,
        );
      }
      return run.status === "failed" ? EXIT.failed : EXIT.ok;
    }
    case "wait":
      return waitRemote(remote, runId);
    case "cancel": {
      const run = await api.cancelRun(params);
      print(`run ${runId}: ${run.status}`);
      return EXIT.ok;
    }
    case "resume": {
      await api.resumeRun(params);
      print(`run ${runId} queued again: only unfinished mini-batches will run`);
      return values.wait ? waitRemote(remote, runId) : EXIT.ok;
    }
    case "logs":
      return printRemoteLogs(remote, runId, values);
    case "download":
      return downloadRemote(remote, runId, values);
    default:
      throw invalid("use: prs run list|show|wait|cancel|resume|logs|download");
  }
}

/** The whole of one log file, read chunk by chunk. */
async function readWholeLog(remote: Remote, runId: string, step: string, path: string): Promise<string> {
  let text = "";
  for (let offset = 0; ; ) {
    const chunk = await remote.api.readLog({ params: { runId }, query: { step, path, offset: String(offset) } });
    text += chunk.text;
    if (chunk.nextOffset >= chunk.sizeBytes || chunk.nextOffset <= offset) return text;
    offset = chunk.nextOffset;
  }
}

async function printRemoteLogs(remote: Remote, runId: string, values: RunFlags): Promise<number> {
  const { files } = await remote.api.listLogs({ params: { runId } });
  const { steps } = await remote.api.getRun({ params: { runId } });
  const names = values.step ? steps.filter((s) => s.name === values.step).map((s) => s.name) : steps.map((s) => s.name);
  if (values.step && names.length === 0) throw new AppError("not_found", `Run ${runId} has no step '${values.step}'`);
  for (const step of names) {
    const own = files.filter((f) => f.step === step).map((f) => f.path);
    print(`== ${step}`);
    for (const name of values.file ? [values.file] : ["job_result.txt", "job_error.txt"]) {
      print(`-- ${name}`);
      print(own.includes(name) ? (await readWholeLog(remote, runId, step, name)).trimEnd() : "(not written yet)");
    }
    if (!values.file && own.length) print(`other logs: ${own.join(", ")}`);
  }
  return EXIT.ok;
}

async function downloadRemote(remote: Remote, runId: string, values: RunFlags): Promise<number> {
  const res = await remote.api.downloadOutput({ params: { runId }, query: { step: values.step } });
  if (!res.body) throw new AppError("not_found", `run ${runId} sent no output`);
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  await pipe(body, values.out ? createWriteStream(values.out) : process.stdout);
  if (values.out) print(`wrote ${values.out}`);
  return EXIT.ok;
}
