import type { z } from "zod";
import { AppError } from "../errors";

/**
 * Reads a JSON text column with the contract's schema, so a stored value is typed without a cast
 * and checked like any other input. The columns stay text on both providers: every writer stores
 * a value the same schema accepted. A row that does not parse was edited by hand or written by a
 * newer version; the error names the column and row instead of failing later on a missing field.
 */
export function parseColumn<T extends z.ZodType>(schema: T, text: string, what: string): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("internal", `${what} in the database is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`).join("; ");
    throw new AppError("internal", `${what} in the database does not match its schema (${issues})`);
  }
  return parsed.data;
}
