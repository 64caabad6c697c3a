/**
 * The one error type users see. `code` is stable (for exit codes and HTTP statuses), `message`
 * names what was wrong and what to do about it.
 */
export type ErrorCode =
  | "invalid_input"
  | "not_found"
  | "conflict"
  | "too_large"
  | "unsupported_media_type"
  | "unauthenticated"
  | "forbidden"
  | "rate_limited"
  | "unavailable"
  | "configuration"
  | "script_error"
  | "internal";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
}

export const invalid = (message: string, details?: unknown) => new AppError("invalid_input", message, details);
export const notFound = (message: string) => new AppError("not_found", message);
export const conflict = (message: string) => new AppError("conflict", message);
export const tooLarge = (message: string) => new AppError("too_large", message);
export const unsupportedMediaType = (message: string) => new AppError("unsupported_media_type", message);
/** No valid session or API token came with the request. */
export const unauthenticated = (message: string) => new AppError("unauthenticated", message);
/** The caller is known but their role does not allow this. */
export const forbidden = (message: string) => new AppError("forbidden", message);
export const rateLimited = (message: string) => new AppError("rate_limited", message);
/** The process's settings (DATABASE_URL, ...) are wrong: nothing works until they are fixed. */
export const misconfigured = (message: string) => new AppError("configuration", message);

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** HTTP status for an error code, used by route handlers. */
export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case "invalid_input":
      return 400;
    case "not_found":
      return 404;
    case "conflict":
      return 409;
    case "too_large":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "unauthenticated":
      return 401;
    case "forbidden":
      return 403;
    case "rate_limited":
      return 429;
    case "unavailable":
    case "configuration":
      return 503;
    default:
      return 500;
  }
}
