import { createReadStream, existsSync, statSync } from "node:fs";
import { hasStepOutput } from "../contracts/statuses";
import { createInterface } from "node:readline";
import { join } from "node:path";
import type { OutputPreview, ValueCounts } from "../contracts/run-api";
import { splitCsvText } from "../datasets/tabular/csv-fields";
import type { Db } from "../db/client";
import { parseColumn } from "../db/columns";
import { StoredStepOutput } from "../contracts/parallel-run-config";
import { conflict, invalid, notFound } from "../errors";
import { getRun } from "./runs";

/**
 * What a run leaves on disk, read for the browser: the append_row output (streamed, previewed,
 * summarised); the step logs are in run-logs.ts. Nothing here reads a whole output file into memory.
 */

async function stepOf(db: Db, runId: string, stepName?: string) {
  const run = await getRun(db, runId);
  const step = stepName ? run.steps.find((s) => s.stepName === stepName) : run.steps[run.steps.length - 1];
  if (!step) throw notFound(stepName ? `Run ${runId} has no step '${stepName}'` : `Run ${runId} has not started a step yet`);
  return { run, step };
}

export async function outputFile(db: Db, runId: string, stepName?: string) {
  const { run, step } = await stepOf(db, runId, stepName);
  const config = parseColumn(StoredStepOutput, step.config, `Config of step ${step.stepName}`);
  if (config.outputAction !== "append_row")
    throw invalid(`Step '${step.stepName}' uses output_action ${config.outputAction}: its script writes its own files to ${step.outputDir}`);
  const fileName = config.appendRowFileName;
  const path = join(/*turbopackIgnore: true*/ step.outputDir, fileName);
  // The engine records the size of the output it wrote whole; a file by that name that this
  // step did not finish writing (an earlier run's, or one changed since) is not served as its output.
  const finished = hasStepOutput(step.status) || config.outputBytes !== undefined;
  if (!finished || !existsSync(path)) {
    throw notFound(
      `The output of step '${step.stepName}' is not written${step.statusReason && step.status === "failed" ? `: ${step.statusReason}` : ` yet (run ${run.status})`}`,
    );
  }
  const size = statSync(path).size;
  if (config.outputBytes !== undefined && size !== config.outputBytes) {
    throw conflict(
      `The output file of step '${step.stepName}' (${path}) has ${size} bytes but the run wrote ${config.outputBytes}: it was changed or cut short after the run, so it is not served`,
    );
  }
  return { path, fileName, step: step.stepName, hasHeader: config.columns === true, size };
}

/** A file as a web stream, read in chunks; the download of millions of rows stays small in memory. */
export function fileStream(path: string, start = 0): ReadableStream<Uint8Array> {
  const node = createReadStream(path, { start, highWaterMark: 256 * 1024 });
  return new ReadableStream<Uint8Array>({
    start(controller) {
      node.on("data", (chunk) => {
        controller.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
        if ((controller.desiredSize ?? 1) <= 0) node.pause();
      });
      node.on("end", () => controller.close());
      node.on("error", (error) => controller.error(error));
    },
    pull() {
      node.resume();
    },
    cancel() {
      node.destroy();
    },
  });
}

export function downloadName(fileName: string): string {
  return /\.(csv|txt)$/i.test(fileName) ? fileName.replace(/\.txt$/i, ".csv") : `${fileName}.csv`;
}

/** The first rows of the output (the tutorial's df.head(10)). */
export async function previewOutput(db: Db, runId: string, stepName: string | undefined, count: number): Promise<OutputPreview> {
  const out = await outputFile(db, runId, stepName);
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(out.path, { end: Math.min(out.size, 1 << 20) }), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === "") continue;
    lines.push(line);
    if (lines.length >= count + 1) break;
  }
  rl.close();
  const parsed = lines.map((line) => splitCsvText(line));
  const header = out.hasHeader ? parsed.shift() : undefined;
  const columns = header ?? (parsed[0] ?? []).map((_, i) => `column ${i + 1}`);
  return { step: out.step, fileName: out.fileName, columns, rows: parsed.slice(0, count), sizeBytes: out.size };
}

const countCache = new Map<string, { mtimeMs: number; result: ValueCounts }>();

/**
 * Counts per value of one column (default: `label`/`prediction`, else the last column), e.g. the
 * number of images per predicted digit. Streams the file; the result is cached per file version.
 */
export async function countOutputValues(db: Db, runId: string, stepName: string | undefined, column?: string): Promise<ValueCounts> {
  const out = await outputFile(db, runId, stepName);
  const mtimeMs = statSync(out.path).mtimeMs;
  const key = `${out.path}\n${column ?? ""}`;
  const cached = countCache.get(key);
  if (cached && cached.mtimeMs === mtimeMs) return cached.result;
  const counts = new Map<string, number>();
  let index = -1;
  let name = column ?? "";
  let rows = 0;
  let truncated = false;
  const rl = createInterface({ input: createReadStream(out.path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === "") continue;
    if (index < 0) {
      const first = splitCsvText(line);
      if (out.hasHeader) {
        index = column ? first.indexOf(column) : first.findIndex((c) => /^(label|prediction|predicted|class)$/i.test(c));
        if (index < 0 && column) throw invalid(`The output has no column '${column}' (columns: ${first.join(", ")})`);
        if (index < 0) index = first.length - 1;
        name = first[index]!;
        continue;
      }
      index = first.length - 1;
      name = `column ${first.length}`;
    }
    rows++;
    const value = plainValue(line, index);
    if (counts.has(value)) counts.set(value, counts.get(value)! + 1);
    else if (counts.size < 50) counts.set(value, 1);
    else truncated = true;
  }
  const result: ValueCounts = {
    step: out.step,
    column: name,
    counts: [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => a.value.localeCompare(b.value, undefined, { numeric: true })),
    rows,
    truncated,
  };
  countCache.set(key, { mtimeMs, result });
  return result;
}

function plainValue(line: string, index: number): string {
  // Fast path for lines without quotes (most outputs).
  if (!line.includes('"')) return line.split(",")[index] ?? "";
  return splitCsvText(line)[index] ?? "";
}

// The step logs moved to run-logs.ts (regular files inside the log folder only); kept reachable from here.
export { listLogFiles, logArchive, readLogChunk } from "./run-logs";
