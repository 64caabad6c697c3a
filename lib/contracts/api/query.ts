import { z } from "zod";

/**
 * Query-string fields. Each message names its parameter, so a route answers
 * "version must be a whole number from 1 to 2147483647, got '1e308'" as it is.
 */

/** Largest value a version/count column holds on every database (PostgreSQL `integer`). */
export const MAX_DB_INT = 2_147_483_647;

const shown = (raw: string) => (raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);

/**
 * A whole number, or undefined when absent or empty. "1e308", "-1", "1.5", "NaN" and numbers past
 * `max` are refused instead of reaching the database.
 */
export function intQuery(name: string, options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 0;
  const max = options.max ?? MAX_DB_INT;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === "") return undefined;
      const value = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
      ctx.addIssue({ code: "custom", message: `${name} must be a whole number from ${min} to ${max}, got '${shown(raw)}'` });
      return z.NEVER;
    })
    .meta({ description: `A whole number from ${min} to ${max}` });
}

const tooLong = (name: string, maxLength: number) => (issue: { input?: unknown }) =>
  `${name} is ${String(issue.input).length} characters long; at most ${maxLength} are allowed`;

/** Text with a length cap (query strings may be megabytes long). */
export function textQuery(name: string, maxLength = 256) {
  return z
    .string()
    .max(maxLength, { error: tooLong(name, maxLength) })
    .optional();
}

/** A required, non-empty text parameter; `missing` says how to call the route right. */
export function requiredTextQuery(name: string, missing: string, maxLength = 256) {
  return z
    .string({ error: missing })
    .min(1, missing)
    .max(maxLength, { error: tooLong(name, maxLength) });
}
