import type { ImageClassifierSettings, TabularScorerSettings } from "../contracts/parallel-run-config";

/** Image classifier settings as the engine hands them over: the model resolved to a local file. */
export type ResolvedImageClassifierSettings = ImageClassifierSettings & {
  modelPath: string;
  /** Local copy of `labelsFile`, one label per line. */
  labelsPath?: string;
};

/** Tabular scorer settings with the model resolved to a local file. */
export type ResolvedTabularScorerSettings = TabularScorerSettings & { modelPath: string };
