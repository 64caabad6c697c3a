import { z } from "zod";
import { boundedRecord, LIMITS, PathText, ShortText } from "./common";
import { RunStatus } from "./statuses";

/** Requests and responses of /api/runs, shared by the browser and the route handlers. */

export const ParameterValue = z.union([PathText, z.number(), z.boolean()]);

export const SubmitRunRequest = z
  .object({
    pipeline: z.string().min(1, "name the pipeline to submit").max(LIMITS.name),
    version: z.number().int().positive().optional(),
    experiment: ShortText.trim().min(1).optional(),
    parameters: boundedRecord(ParameterValue).default({}),
    regenerateOutputs: z.boolean().optional(),
  })
  .strict();
export type SubmitRunRequest = z.infer<typeof SubmitRunRequest>;

export const RunSummary = z.object({
  id: z.string(),
  experimentName: z.string(),
  pipeline: z.string(),
  status: RunStatus,
  statusReason: z.string().nullable(),
  /** Who submitted it (email), or "local CLI". */
  createdBy: z.string().nullable().optional(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  totalItems: z.number(),
  succeededItems: z.number(),
  failedItems: z.number(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunListQuery = z.object({
  experiment: ShortText.optional(),
  pipeline: ShortText.optional(),
  status: RunStatus.optional(),
  take: z.coerce.number().int().min(1).max(500).optional(),
});

export const SubmissionOptions = z.object({
  pipeline: z.string(),
  version: z.number(),
  parameters: z.array(z.object({ name: z.string(), type: z.string(), default: ParameterValue, description: z.string().optional() })),
  datasets: z.array(z.object({ name: z.string(), version: z.number(), kind: z.string(), paths: z.array(z.string()) })),
  experiments: z.array(z.string()),
});
export type SubmissionOptions = z.infer<typeof SubmissionOptions>;

export const SubmittedRun = z.object({ id: z.string(), experimentName: z.string(), status: RunStatus });

/** What cancel and resume leave the run in. */
export const RunStatusJson = z.object({ id: z.string(), status: RunStatus });

export const RetryFailedJson = z.object({
  runId: z.string(),
  miniBatches: z.number(),
  steps: z.array(z.string()),
  /** Downstream steps planned again because they read a retried step's output. */
  replannedSteps: z.array(z.string()),
});

export const LogFileView = z.object({ step: z.string(), path: z.string(), sizeBytes: z.number() });
export type LogFileView = z.infer<typeof LogFileView>;

export const LogChunk = z.object({ text: z.string(), offset: z.number(), nextOffset: z.number(), sizeBytes: z.number() });
export type LogChunk = z.infer<typeof LogChunk>;

/** The first rows of a step's append_row output. */
export const OutputPreview = z.object({
  step: z.string(),
  fileName: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  sizeBytes: z.number(),
});
export type OutputPreview = z.infer<typeof OutputPreview>;

export const ValueCounts = z.object({
  step: z.string(),
  column: z.string(),
  counts: z.array(z.object({ value: z.string(), count: z.number() })),
  rows: z.number(),
  /** More distinct values than shown were found. */
  truncated: z.boolean(),
});
export type ValueCounts = z.infer<typeof ValueCounts>;
