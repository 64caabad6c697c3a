import { z } from "zod";
import { CanvasGraph } from "./canvas";
import { RunParameters } from "./run-events";
import { RunStatus, StepStatus } from "./statuses";

/**
 * What the run page shows beyond the live stream: the pipeline as drawn, mini-batch timings,
 * pages of an output, and two runs side by side. Shared by the route handlers and the browser.
 */

/** The run's pipeline version drawn as a canvas, each step node named, with where a reused step's output came from. */
export const RunGraphJson = z.object({
  runId: z.string(),
  pipelineId: z.string(),
  pipeline: z.string(),
  version: z.number(),
  canvas: CanvasGraph,
  steps: z.array(
    z.object({
      name: z.string(),
      nodeId: z.string(),
      /** The run whose output this step copied (allow_reuse). */
      reusedFromRun: z.string().optional(),
    }),
  ),
});
export type RunGraphJson = z.infer<typeof RunGraphJson>;

export const MiniBatchBar = z.object({
  idx: z.number(),
  /** Milliseconds since the step's first mini-batch started. */
  start: z.number(),
  end: z.number(),
  status: z.string(),
  items: z.number(),
});
export type MiniBatchBar = z.infer<typeof MiniBatchBar>;

/** Finished mini-batches of a step: how long each took, and who ran what when. */
export const StepTimingJson = z.object({
  step: z.string(),
  /** Epoch milliseconds of `start: 0`. */
  origin: z.number(),
  /** Durations in milliseconds of finished mini-batches (at most `MAX_TIMING_BARS`, evenly sampled). */
  durations: z.array(z.number()),
  /** One lane per worker process (node N, process P), mini-batches placed in time. */
  lanes: z.array(z.object({ label: z.string(), bars: z.array(MiniBatchBar) })),
  finished: z.number(),
  /** More finished mini-batches than shown. */
  sampled: z.boolean(),
});
export type StepTimingJson = z.infer<typeof StepTimingJson>;

export const MAX_TIMING_BARS = 2000;

export const SORT_ORDERS = ["asc", "desc"] as const;

/** One page of an append_row output, sorted and filtered over the whole file. */
export const OutputPageJson = z.object({
  step: z.string(),
  fileName: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  /** Rows after the filter (all pages). */
  total: z.number(),
  /** Rows in the file. */
  fileRows: z.number(),
  page: z.number(),
  pageSize: z.number(),
  sort: z.string().optional(),
  order: z.enum(SORT_ORDERS),
  /** The column holding predicted labels (label, prediction, class), when there is one. */
  labelColumn: z.string().optional(),
  /** Its distinct values (at most 200), for the filter. */
  labels: z.array(z.string()),
  /** The column of item names (first column) and whether its items are images (a gallery is possible). */
  fileColumn: z.string().optional(),
  images: z.boolean(),
});
export type OutputPageJson = z.infer<typeof OutputPageJson>;

export const StepFigures = z.object({
  status: StepStatus,
  seconds: z.number().optional(),
  items: z.number(),
  failedItems: z.number(),
  itemsPerSecond: z.number().optional(),
});
export type StepFigures = z.infer<typeof StepFigures>;

export const ComparedRun = z.object({
  id: z.string(),
  status: RunStatus,
  version: z.number(),
  experimentName: z.string(),
  createdAt: z.string(),
  seconds: z.number().optional(),
  parameters: RunParameters,
});

/** Two runs of one pipeline side by side, and the output rows whose values changed (keyed by the first column). */
export const RunComparisonJson = z.object({
  pipeline: z.string(),
  a: ComparedRun,
  b: ComparedRun,
  parameters: z.array(z.object({ name: z.string(), a: z.string().optional(), b: z.string().optional(), changed: z.boolean() })),
  steps: z.array(z.object({ name: z.string(), a: StepFigures.optional(), b: StepFigures.optional() })),
  /** The compared append_row step, when both runs have its output. */
  outputStep: z.string().optional(),
  key: z.string().optional(),
  columns: z.array(z.string()),
  changed: z.array(z.object({ key: z.string(), a: z.array(z.string()).optional(), b: z.array(z.string()).optional() })),
  changedTotal: z.number(),
  compared: z.number(),
  /** Why rows were not compared (an output missing), in one sentence. */
  note: z.string().optional(),
});
export type RunComparisonJson = z.infer<typeof RunComparisonJson>;
