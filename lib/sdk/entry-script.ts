/**
 * The entry-script contract, as Azure's ParallelRunStep defines it: `init()` once per process,
 * `run(miniBatch)` per mini-batch returning one element per successfully processed item,
 * optional `shutdown()`. Scripts import these types:
 *
 *   import type { EntryContext, FileMiniBatch } from "parallel-run-studio/sdk";
 */
export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";

export interface EntryLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/** One row of a tabular mini-batch, keyed by column name. */
export type TabularRow = Record<string, string | number | boolean | null>;

/** FileDataset: absolute local paths of the files of this mini-batch. */
export type FileMiniBatch = string[];
/** TabularDataset: the rows of this mini-batch; `columns` keeps the file's column order. */
export type TabularMiniBatch = TabularRow[] & { columns: string[] };
export type MiniBatch = FileMiniBatch | TabularMiniBatch;

/**
 * A result element: a string is written as one line (e.g. "0.png: 7"); an object is a CSV row
 * whose header comes from the keys; an array is a CSV row without header.
 */
export type ResultRow = string | number | Record<string, unknown> | unknown[];

export interface EntryContext {
  runId: string;
  stepName: string;
  /** 0-based node and process numbers: node_count x process_count_per_node processes in all. */
  nodeId: number;
  processId: number;
  logger: EntryLogger;
  /** Folder for the script's own outputs (summary_only writes here). */
  outputDir: string;
  /** This process's log folder. */
  logDir: string;
  /** Side inputs by name: local paths of their files. */
  sideInputs: Record<string, string[]>;
  /** The step's `arguments`, as given, and parsed `--name value` pairs. */
  arguments: string[];
  args: Record<string, string>;
  /** An item's path relative to its dataset's root (e.g. "mnist/7.png"), for result rows and messages. */
  relativePath(item: string): string;
  /** Settings of a built-in scorer (undefined for user scripts). */
  settings?: unknown;
  /**
   * Records why an item failed. Returning fewer results than items already counts failures;
   * this gives them a reason in the failures report.
   */
  failItem(item: string | number, reason: string): void;
}

export interface EntryScript {
  init?(context: EntryContext): void | Promise<void>;
  run(miniBatch: MiniBatch, context: EntryContext): ResultRow[] | Promise<ResultRow[]>;
  shutdown?(context: EntryContext): void | Promise<void>;
}
