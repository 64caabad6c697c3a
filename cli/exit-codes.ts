import type { AppError } from "../lib/errors";

/**
 * Exit codes: 0 success, 1 run failed, 2 invalid input, 3 not found, 4 conflict, 5 cancelled,
 * 6 configuration, 7 database or server unavailable, 8 not signed in (token missing, revoked or
 * expired), 9 forbidden (role too low), 70 internal.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  invalid_input: 2,
  not_found: 3,
  conflict: 4,
  cancelled: 5,
  configuration: 6,
  unavailable: 7,
  unauthenticated: 8,
  forbidden: 9,
  internal: 70,
} as const;

/** The exit code of an error a user can cause (its AppError code), else internal. */
export function exitCodeOf(error: AppError): number {
  return EXIT[error.code as keyof typeof EXIT] ?? EXIT.internal;
}

/** A failure the CLI reports in one sentence with its own exit code (a refused or unreachable server). */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CliFailure";
  }
}

export const print = (line = "") => process.stdout.write(`${line}\n`);
