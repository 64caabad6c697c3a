import { AppError, conflict, errorMessage } from "../errors";
import { isSqliteBusy } from "./sqlite-adapter";

/**
 * Failures that trying again at once can get past: P2034 (write conflict or deadlock), PostgreSQL's
 * serialization failure, deadlock and lock not available.
 */
const TRANSIENT_PRISMA = new Set(["P2034"]);
const TRANSIENT_PG = new Set(["40001", "40P01", "55P03"]);
/**
 * Failures after the waits already done: P1008 (SQLite still locked after the adapter's
 * SQLITE_BUSY_WAIT_MS, or a socket timeout), P2028 (a transaction could not start within maxWait).
 * Trying again here would multiply those waits: they are reported as unavailable.
 */
const WAITED_PRISMA = new Set(["P1008", "P2028"]);
/** The server cannot be reached or dropped the connection; too many connections. */
const UNREACHABLE_PRISMA = new Set(["P1001", "P1002", "P1017", "P2037"]);
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "57P01", "57P02", "57P03", "53300"]);

const codeOf = (error: unknown): string | undefined => {
  const code = error && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
};

/** A failure caused by other writers at the same moment: trying the same thing again is sound. */
export function isTransientDbError(error: unknown): boolean {
  const code = codeOf(error);
  return isSqliteBusy(error) || (code !== undefined && (TRANSIENT_PRISMA.has(code) || TRANSIENT_PG.has(code)));
}

const isWaitedOut = (error: unknown) => WAITED_PRISMA.has(codeOf(error) ?? "");

/** The database is busy beyond the waits, or cannot be reached: the request may succeed later. */
export function isDbUnavailable(error: unknown): boolean {
  if (isTransientDbError(error) || isWaitedOut(error)) return true;
  const code = codeOf(error);
  if (code !== undefined && (UNREACHABLE_PRISMA.has(code) || UNREACHABLE_CODES.has(code))) return true;
  return error instanceof AggregateError && error.errors.some(isDbUnavailable);
}

/** A unique constraint was violated (Prisma P2002, PostgreSQL 23505, SQLite 2067/1555). */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === "P2002" || code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

/** The AppError ("unavailable", HTTP 503) for a database that is busy or unreachable. */
export function databaseUnavailable(error: unknown): AppError {
  const cause = isWaitedOut(error)
    ? "it stayed locked by other writers"
    : isTransientDbError(error)
      ? "writes kept conflicting with other writers"
      : `it cannot be reached (${firstLine(errorMessage(error))})`;
  return new AppError("unavailable", `The database is unavailable: ${cause}; try again in a few seconds.`);
}

const firstLine = (text: string) => text.trim().split("\n").filter(Boolean).at(-1)?.trim() ?? text;

export interface RetryOptions {
  /** Tries in all (default 6). */
  attempts?: number;
  /** Which errors to try again after (default: transient ones). */
  retryOn?: (error: unknown) => boolean;
  /** Called when the tries are used up on a retryable error; the default reports the database unavailable. */
  exhausted?: (error: unknown) => Error;
}

/**
 * Runs `fn` again after transient database failures, with jittered exponential backoff. Use it
 * only where running `fn` twice is safe: a read, a conditional update, or a transaction that
 * either committed nothing or is repeated whole.
 */
export async function withDbRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const retryOn = options.retryOn ?? isTransientDbError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!retryOn(error)) throw error;
      if (attempt >= attempts) throw (options.exhausted ?? databaseUnavailable)(error);
      const ceiling = Math.min(25 * 2 ** attempt, 1000);
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * ceiling));
    }
  }
}

/**
 * Runs a version allocation (read the last version, insert the next) again when a concurrent one
 * took the same number (a unique violation) or met a transient failure. Only a registration that
 * keeps losing the race, which takes many writers at once, is reported as a conflict.
 */
export function allocatingVersion<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return withDbRetry(fn, {
    attempts: 10,
    retryOn: (error) => isUniqueViolation(error) || isTransientDbError(error),
    exhausted: (error) =>
      isUniqueViolation(error)
        ? conflict(`${what} was registered by other requests at the same moment, 10 times in a row: try again`)
        : databaseUnavailable(error),
  });
}
