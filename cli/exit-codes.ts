import { AppError } from "../lib/errors";

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

/**
 * Ends the process with a command's exit code, or with its error: one line on stderr and the
 * error's exit code (a stack only for an internal error). `understand` turns errors of the
 * command's own world (a refused server, an unavailable database) into ones with their own code.
 */
export function exitWith(outcome: Promise<number>, understand: (error: unknown) => unknown = (error) => error): void {
  outcome
    .then((code) => process.exit(code))
    .catch((caught: unknown) => {
      const error = understand(caught);
      if (error instanceof CliFailure || error instanceof AppError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exit(error instanceof CliFailure ? error.exitCode : exitCodeOf(error));
      }
      process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(EXIT.internal);
    });
}
