import { z } from "zod";
import { boundedRecord, LIMITS, PathText, ShortText } from "./common";

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
  status: z.string(),
  statusReason: z.string().nullable(),
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
  status: ShortText.optional(),
  take: z.coerce.number().int().min(1).max(500).optional(),
});

export const SubmissionOptions = z.object({
  pipeline: z.string(),
  version: z.number(),
  parameters: z.array(
    z.object({ name: z.string(), type: z.string(), default: ParameterValue, description: z.string().optional() }),
  ),
  datasets: z.array(z.object({ name: z.string(), version: z.number(), kind: z.string(), paths: z.array(z.string()) })),
  experiments: z.array(z.string()),
});
export type SubmissionOptions = z.infer<typeof SubmissionOptions>;
