import { z } from "zod";
import { ImageClassifierSettings, TabularScorerSettings } from "../contracts/parallel-run-config";
import { invalid } from "../errors";
import type { ResolvedImageClassifierSettings, ResolvedTabularScorerSettings } from "./types";

const LocalFiles = z.object({ modelPath: z.string().min(1), labelsPath: z.string().min(1).optional() });

/** Validates `ctx.settings` of the image classifier (defaults applied, snake_case accepted). */
export function parseImageClassifierSettings(value: unknown): ResolvedImageClassifierSettings {
  const { files, rest } = splitLocalFiles("image classifier", value);
  const parsed = ImageClassifierSettings.safeParse(rest);
  if (!parsed.success) throw invalid(`image classifier settings: ${describeIssues(parsed.error)}`);
  return { ...parsed.data, ...files };
}

/** Validates `ctx.settings` of the tabular scorer. */
export function parseTabularScorerSettings(value: unknown): ResolvedTabularScorerSettings {
  const { files, rest } = splitLocalFiles("tabular scorer", value);
  const parsed = TabularScorerSettings.safeParse(rest);
  if (!parsed.success) throw invalid(`tabular scorer settings: ${describeIssues(parsed.error)}`);
  return { ...parsed.data, modelPath: files.modelPath };
}

function splitLocalFiles(scorer: string, value: unknown) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`${scorer}: settings are missing; the engine passes the scorer's settings with modelPath`);
  }
  const { modelPath, labelsPath, ...rest } = value as Record<string, unknown>;
  const files = LocalFiles.safeParse({ modelPath, labelsPath });
  if (!files.success) throw invalid(`${scorer} settings: ${describeIssues(files.error)}`);
  return { files: files.data, rest };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "settings"}: ${issue.message}`).join("; ");
}
