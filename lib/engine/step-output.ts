import { createReadStream, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Datastore } from "../datastores/types";
import { errorMessage } from "../errors";
import { ensureWritableFolder, StorageError, storageError } from "../fs/durable-write";
import type { PartMeta } from "./protocol";
import type { FinishedMiniBatch } from "./reports";
import { mergeRecords, type RecordLocation, type SegmentRecord } from "./segments";
import type { MiniBatchState, StepOutcome } from "./step-executor";

/**
 * A step's output and its folders, written so that a full disk, a quota or a read-only folder
 * fails the step with one sentence naming the file, and never leaves a partial output that looks
 * done (locally: temporary name, fsync, rename; blob storage: verified after upload).
 */

export type OutputRecord = { location: RecordLocation; columns: string[] | null; rows: number };

export interface StepOutputTarget {
  store: Datastore;
  datastore: string;
  /** Folder in the datastore (`results/x`). */
  path: string;
  /** Local folder the output is written to (the datastore's own for local datastores). */
  local: string;
}

/** What users see for a file of the output: `<datastore>/<path>`. */
export function outputDisplay(target: StepOutputTarget, fileName?: string): string {
  return `${target.datastore}/${target.path}${fileName ? `/${fileName}` : ""}`;
}

/**
 * Before any process starts: the log folder and the output folder exist and take files, or the
 * step fails at once saying which folder and why ("output folder workspace/x is read-only").
 */
export function prepareStepFolders(logDir: string, target: StepOutputTarget): void {
  ensureWritableFolder(logDir, logDir, "log folder");
  ensureWritableFolder(target.local, target.store.kind === "local" ? outputDisplay(target) : target.local, "output folder");
}

export interface WrittenOutput {
  columns: boolean;
  rows: number;
  bytes: number;
}

/**
 * The append_row file: every succeeded mini-batch's record in input order, written whole, then
 * uploaded when the output datastore is not local. A succeeded mini-batch without its record
 * is an error (the output would silently lack its rows).
 */
export async function writeAppendRowOutput(
  states: MiniBatchState[],
  outputs: Map<number, OutputRecord>,
  target: StepOutputTarget,
  fileName: string,
): Promise<WrittenOutput> {
  const succeeded = states.filter((s) => s.status === "succeeded");
  const lacking = succeeded.filter((s) => !outputs.has(s.idx));
  if (lacking.length) {
    throw new StorageError(
      `the output records of ${lacking.length} succeeded mini-batches (first: ${lacking[0]!.idx}) are missing from the segment files; resume the run to run them again`,
      undefined,
    );
  }
  const file = join(target.local, fileName);
  const merged = mergeRecords(
    succeeded.map((s) => outputs.get(s.idx)!),
    file,
    target.store.kind === "local" ? outputDisplay(target, fileName) : file,
  );
  if (target.store.kind !== "local") await uploadWhole(target, fileName, file, merged.bytes);
  return { columns: merged.columns !== null, rows: merged.rows, bytes: merged.bytes };
}

/**
 * Uploads a local file to a blob datastore (the SDK stages blocks with retries and commits the
 * list only when every block is staged), then checks the blob has every byte.
 */
export async function uploadWhole(target: StepOutputTarget, fileName: string, file: string, bytes = statSync(file).size): Promise<void> {
  const path = `${target.path}/${fileName}`;
  const display = outputDisplay(target, fileName);
  try {
    await target.store.write(path, createReadStream(file));
  } catch (error) {
    throw new StorageError(`the output could not be uploaded to ${display}: ${errorMessage(error)}`, undefined);
  }
  const stored = await target.store.stat(path).catch((error: unknown) => {
    throw new StorageError(`the output uploaded to ${display} could not be checked: ${errorMessage(error)}`, undefined);
  });
  if (stored?.size !== bytes) {
    throw new StorageError(`the output uploaded to ${display} has ${stored?.size ?? "no"} bytes where ${bytes} were written`, undefined);
  }
}

/** The sentence a step ends with when its output could not be written. */
export function outputFailureSentence(error: unknown): string {
  const message = error instanceof StorageError ? error.message : storageError(error, "the output").message;
  return `The output could not be written: ${message}; free space (or fix the folder) and resume the run.`;
}

/**
 * Writes the step's append_row file at the end of a step, whole or not at all: when it cannot
 * be written the step fails with the sentence (after the outcome's own reason, if it failed),
 * and resume writes it once there is room.
 */
export async function writeStepOutput(
  outcome: StepOutcome,
  states: MiniBatchState[],
  outputs: Map<number, OutputRecord>,
  target: StepOutputTarget,
  fileName: string,
): Promise<{ output?: WrittenOutput; status: StepOutcome["status"]; failure?: string }> {
  try {
    return { output: await writeAppendRowOutput(states, outputs, target, fileName), status: outcome.status };
  } catch (error) {
    return { status: "failed", failure: `${outcome.status === "failed" ? `${outcome.reason} ` : ""}${outputFailureSentence(error)}` };
  }
}

/** A finished mini-batch as the attempt report records it, from its segment record (after a crash). */
export function finishedFromSegment(record: SegmentRecord, endedAt: Date): FinishedMiniBatch {
  const meta: PartMeta = record.meta;
  // Segment files are named <node>-<process>-<pid>.seg.
  const [nodeId, processId, pid] = basename(record.file, ".seg").split("-").map(Number);
  const where =
    Number.isInteger(nodeId) && Number.isInteger(processId)
      ? { nodeId: nodeId!, processId: processId!, pid: Number.isInteger(pid) ? pid : undefined }
      : undefined;
  return {
    idx: meta.idx,
    attempt: meta.attempt,
    itemCount: meta.itemCount,
    succeeded: meta.succeeded,
    failed: meta.failed,
    totalSeconds: meta.totalSeconds,
    endedAt,
    where,
  };
}
