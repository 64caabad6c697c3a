import { misconfigured } from "../errors";

export type DbProvider = "sqlite" | "postgresql";

export function providerOf(databaseUrl: string): DbProvider {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return "postgresql";
  if (databaseUrl.startsWith("file:")) return "sqlite";
  throw misconfigured(`DATABASE_URL must be a SQLite file: URL or a postgresql:// URL, not "${databaseUrl.split(":")[0]}:…".`);
}

/** Absolute path of a SQLite file: URL. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.slice("file:".length).split("?")[0]!;
}
