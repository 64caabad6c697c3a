import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { AppError, errorMessage, misconfigured } from "../errors";
import { providerOf, sqlitePath } from "./provider";

/**
 * A SQLite DATABASE_URL must name a file in an existing folder: creating the folders would
 * silently start an empty database somewhere unexpected (the default data folder is created by
 * the caller, which knows it is the default).
 */
export function checkSqliteLocation(databaseUrl: string): void {
  if (providerOf(databaseUrl) !== "sqlite") return;
  const path = sqlitePath(databaseUrl);
  const folder = dirname(path);
  if (!existsSync(folder))
    throw misconfigured(`DATABASE_URL names the SQLite database ${path}, but its folder ${folder} does not exist: create the folder or correct DATABASE_URL.`);
  if (!statSync(folder).isDirectory())
    throw misconfigured(`DATABASE_URL names the SQLite database ${path}, but ${folder} is not a folder: correct DATABASE_URL.`);
}

/** Where a PostgreSQL URL points, without its password. */
function describePg(databaseUrl: string): { where: string; user: string; database: string } {
  try {
    const url = new URL(databaseUrl);
    return {
      where: `${url.hostname}:${url.port || "5432"}`,
      user: decodeURIComponent(url.username) || "(default user)",
      database: decodeURIComponent(url.pathname.slice(1)) || "(default database)",
    };
  } catch {
    return { where: "(unparsable address)", user: "?", database: "?" };
  }
}

const codeOf = (error: unknown): string | undefined => {
  const code = error && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
};

/**
 * The one-sentence configuration error for a database that cannot be opened at start-up (wrong
 * host, port, database, role, password, or a file that is not a database), or undefined when the
 * error is something else.
 */
export function openingError(databaseUrl: string, error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const code = codeOf(error) ?? (error instanceof AggregateError ? error.errors.map(codeOf).find(Boolean) : undefined);
  if (providerOf(databaseUrl) === "sqlite") {
    if (!code?.startsWith("SQLITE_")) return undefined;
    return misconfigured(
      `DATABASE_URL names ${sqlitePath(databaseUrl)}, which cannot be opened as a SQLite database (${errorMessage(error).replace(/^SQLITE_\w+: /, "")}): correct DATABASE_URL.`,
    );
  }
  const { where, user, database } = describePg(databaseUrl);
  const fix = "correct DATABASE_URL";
  switch (code) {
    case "ECONNREFUSED":
      return misconfigured(`PostgreSQL at ${where} (DATABASE_URL) refused the connection: start PostgreSQL there or ${fix}.`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return misconfigured(`The PostgreSQL host in DATABASE_URL (${where}) is not known: ${fix}.`);
    case "ETIMEDOUT":
    case "ECONNRESET":
      return misconfigured(`PostgreSQL at ${where} (DATABASE_URL) did not answer: check that it runs and is reachable, or ${fix}.`);
    case "3D000":
      return misconfigured(`PostgreSQL at ${where} has no database "${database}" (DATABASE_URL): it does not exist; create it or ${fix}.`);
    case "28000":
    case "28P01":
      return misconfigured(`PostgreSQL at ${where} did not let user "${user}" in (DATABASE_URL): ${errorMessage(error)}; ${fix}.`);
    default:
      // Other refusals while connecting (connection, authorization, resources, shutdown) are named too.
      if (code && /^(08|28|3D|53|57)|^42501$/.test(code))
        return misconfigured(`PostgreSQL at ${where}, database "${database}" (DATABASE_URL), cannot be used: ${errorMessage(error)}.`);
      return undefined;
  }
}
