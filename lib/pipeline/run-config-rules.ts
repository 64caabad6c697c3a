import type { DatasetKind } from "../contracts/designer-api";
import { MAX_FILES_PER_MINI_BATCH, type OutputAction } from "../contracts/parallel-run-config";
import { invalid } from "../errors";

/**
 * The ParallelRunConfig rules that depend on the data a step reads, in one place: the designer's
 * validation, submission, the engine's resolve and planning all ask here. Pure: no I/O.
 */

/** FileDataset: items are files. TabularDataset: items are rows of CSV, JSON Lines or Parquet. */
export type DataKind = DatasetKind;

export const DEFAULT_FILES_PER_MINI_BATCH = 10;
export const DEFAULT_BYTES_PER_MINI_BATCH = 1024 * 1024;

/** A step's output as the next step reads it: append_row writes one table, summary_only leaves files. */
export function outputDataKind(outputAction: OutputAction): DataKind {
  return outputAction === "append_row" ? "tabular" : "file";
}

/** An input given as `datastore://<datastore>/<path or glob>` names files, never a table. */
export function isDatastorePath(value: string): boolean {
  return value.startsWith("datastore://");
}

/**
 * What mini_batch_size means for a step: its first input decides (the engine plans by it). A
 * definition always has an input (its schema says so); "file" only answers the empty list.
 */
export function stepDataKind(inputKinds: readonly DataKind[]): DataKind {
  return inputKinds[0] ?? "file";
}

const UNITS: Record<string, number> = { "": 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/**
 * A tabular mini_batch_size in bytes: a number, "1024", or with a unit "1024KB", "10MB", "1GB"
 * (binary units, as Azure uses; case and a space before the unit are accepted). Undefined when
 * the value is not a size of at least one byte.
 */
export function sizeInBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 1 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?b)?\s*$/i.exec(String(value));
  const digits = match?.[1];
  const unit = UNITS[(match?.[2] ?? "").toUpperCase()];
  if (digits === undefined || unit === undefined || (unit === 1 && digits.includes("."))) return undefined;
  const bytes = Math.round(Number(digits) * unit);
  return Number.isSafeInteger(bytes) && bytes >= 1 ? bytes : undefined;
}

/** A file mini_batch_size: a whole number of files, 1 or more (a number or its text). */
export function filesPerMiniBatch(value: unknown): number | undefined {
  const text = String(value).trim();
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) && n >= 1 && n <= MAX_FILES_PER_MINI_BATCH ? n : undefined;
}

/**
 * Why a mini_batch_size is not valid for this kind of data (undefined: it is). With the kind
 * unknown (a designer step not yet connected to data), either meaning is accepted.
 */
export function miniBatchSizeProblem(value: unknown, kind: DataKind | undefined, field = "mini_batch_size"): string | undefined {
  const asFiles = filesPerMiniBatch(value) !== undefined;
  const asBytes = sizeInBytes(value) !== undefined;
  const shown = `${field} '${String(value).slice(0, 80)}'`;
  if (kind === "file" && !asFiles) return `${shown} is not valid for file data: give a whole number of files from 1 to ${MAX_FILES_PER_MINI_BATCH} (e.g. 10)`;
  if (kind === "tabular" && !asBytes) return `${shown} is not valid for tabular data: give a size in bytes >= 1 such as 1024, 1024KB, 10MB or 1GB`;
  if (!asFiles && !asBytes) return `${shown} is not valid: give a number of files >= 1 (file data) or a size such as 1024KB or 10MB (tabular data)`;
  return undefined;
}

/**
 * The mini-batch size the engine plans with: files per mini-batch for file data, approximate
 * bytes per mini-batch for tabular data; the default when the config leaves it out.
 * `field` names the setting in the error (e.g. "Step 'score': mini_batch_size").
 */
export function resolveMiniBatchSize(value: unknown, kind: DataKind, field = "mini_batch_size"): number {
  if (value === undefined) return kind === "file" ? DEFAULT_FILES_PER_MINI_BATCH : DEFAULT_BYTES_PER_MINI_BATCH;
  const size = kind === "file" ? filesPerMiniBatch(value) : sizeInBytes(value);
  if (size === undefined) throw invalid(miniBatchSizeProblem(value, kind, field) ?? `${field} is not valid`);
  return size;
}

/** A tabular size in bytes, or an invalid-input error with the tabular mini_batch_size text. */
export function parseSize(value: string | number): number {
  return resolveMiniBatchSize(value, "tabular");
}
