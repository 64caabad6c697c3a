import { invalid } from "../errors";

/** Largest value a version/count column holds on every database (PostgreSQL `integer`). */
export const MAX_DB_INT = 2_147_483_647;

/**
 * A whole number from the query string, or undefined when absent. "1e308", "-1", "1.5", "NaN"
 * and numbers past `max` are refused with a message instead of reaching the database.
 */
export function intParam(params: URLSearchParams, name: string, options: { min?: number; max?: number } = {}): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const min = options.min ?? 0;
  const max = options.max ?? MAX_DB_INT;
  const value = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be a whole number from ${min} to ${max}, got '${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}'`);
  }
  return value;
}

/** A text parameter with a length cap (query strings may be megabytes long). */
export function textParam(params: URLSearchParams, name: string, maxLength = 256): string | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (raw.length > maxLength) throw invalid(`${name} is ${raw.length} characters long; at most ${maxLength} are allowed`);
  return raw;
}
