import { invalid } from "../errors";

/**
 * The settings a worker process gets for a built-in scorer. The orchestrator validated them and
 * applied defaults (lib/scorers/settings.ts) before any process started, so a worker checks only
 * that they are there: it starts without loading the validation library.
 */
export function handedSettings<T extends { modelPath: string }>(scorer: string, value: unknown): T {
  if (typeof value !== "object" || value === null || Array.isArray(value) || typeof (value as { modelPath?: unknown }).modelPath !== "string") {
    throw invalid(`${scorer}: settings are missing; the engine passes the scorer's validated settings with modelPath`);
  }
  return value as T;
}
