/**
 * Messages between a node agent (parent) and its worker processes (children). Children never
 * touch the database: they get everything they need here and write only files (segment files,
 * logs, the script's own outputs).
 */
import type { LoggingLevel } from "../contracts/parallel-run-config";
import type { DatastoreSpec } from "../datastores/types";
import type { ItemError } from "../contracts/run-events";
import type { AttemptStatus } from "../contracts/statuses";

export type { DatastoreSpec };

export interface FileItems {
  kind: "files";
  datastore: string;
  /** Prefix the dataset's items are relative to (for ctx.relativePath). */
  root: string;
  /** Item paths relative to root (stored compactly: planning a million files stays small). */
  names: string[];
}

export interface TabularItems {
  kind: "tabular";
  datastore: string;
  options: unknown;
  slice: unknown;
}

export type ItemsSpec = FileItems | TabularItems;

export interface ChildSetup {
  runId: string;
  stepName: string;
  nodeId: number;
  processId: number;
  /** Absolute path of the module exporting init/run/shutdown (user script or built-in scorer). */
  entryModule: string;
  entryLabel: string;
  /** A built environment (a folder with node_modules): the entry script's imports resolve from it first. */
  environmentDir?: string;
  settings?: unknown;
  loggingLevel: LoggingLevel;
  logDir: string;
  outputDir: string;
  /** Folder of the step's segment files (one per worker process). */
  segmentsDir: string;
  cacheDir: string;
  sideInputs: Record<string, string[]>;
  arguments: string[];
  datastores: Record<string, DatastoreSpec>;
  /** Whether result rows are written (append_row) or only counted (summary_only). */
  outputAction: "append_row" | "summary_only";
}

/**
 * `setup` binds a process to a step. A process from a warm pool (warm-pool.ts) also gets the
 * step's whole `environment` (it was started before the step was known) and, when it already ran
 * init() for this very runtime, `keepInit`: it binds to the new run without loading or init() again.
 * `release` ends its part in the step without ending the process (it goes back to its pool);
 * `shutdown` runs the script's shutdown() and ends it.
 */
export type ParentMessage =
  | { type: "setup"; setup: ChildSetup; environment?: Record<string, string>; keepInit?: boolean }
  | { type: "run"; idx: number; attempt: number; items: ItemsSpec }
  | { type: "release" }
  | { type: "shutdown" };

export type { ItemError };

export interface MiniBatchResult {
  idx: number;
  attempt: number;
  status: AttemptStatus;
  itemCount: number;
  succeeded: number;
  failed: number;
  /** Seconds inside run(), and for the whole mini-batch (read, run, write). */
  runSeconds: number;
  totalSeconds: number;
  error?: string;
  stack?: string;
  itemErrors: ItemError[];
  /** Where the rows of a successful append_row mini-batch were written. */
  output?: { file: string; offset: number; length: number; columns: string[] | null };
}

export type ChildMessage =
  | { type: "ready" }
  | { type: "init_failed"; error: string; stack?: string }
  | ({ type: "result" } & MiniBatchResult)
  | { type: "released" }
  | { type: "shutdown_done" };

/** Header of a segment record: what a finished mini-batch produced (read again on resume). */
export interface PartMeta {
  idx: number;
  attempt: number;
  itemCount: number;
  succeeded: number;
  failed: number;
  columns: string[] | null;
  itemErrors: ItemError[];
  runSeconds: number;
  totalSeconds: number;
}

export const MAX_ITEM_ERRORS_PER_BATCH = 100;
