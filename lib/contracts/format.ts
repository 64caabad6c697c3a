import type { z } from "zod";
import { invalid, type AppError } from "../errors";

/** "steps[0].name: a step name has 3 to 32 characters (got 'A')" for every issue. */
export function formatIssues(error: z.ZodError, input?: unknown): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
      const got = valueAt(input, issue.path);
      const shown = got === undefined || typeof got === "object" ? "" : ` (got '${String(got)}')`;
      return `${path || "definition"}: ${issue.message}${shown}`;
    })
    .join("; ");
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    const obj = cur as Record<string, unknown>;
    cur = obj[String(key)] ?? obj[String(key).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
  }
  return cur;
}

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalid(`${what} is not valid: ${formatIssues(parsed.error, input)}`) as AppError;
  return parsed.data;
}
