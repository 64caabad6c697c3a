import type { z } from "zod";
import { invalid, type AppError } from "../errors";

/** "steps[0].name: a step name has 3 to 32 characters (got 'A')" for every issue. */
export function formatIssues(error: z.ZodError, input?: unknown): string {
  // Bounded: a huge body must not come back as a huge message.
  const shownIssues = error.issues.slice(0, 20);
  const more = error.issues.length - shownIssues.length;
  return shownIssues
    .map((issue) => {
      const path = issue.path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
      const got = valueAt(input, issue.path);
      const text = got === undefined || typeof got === "object" ? undefined : String(got);
      const shown = text === undefined ? "" : text.length > 80 ? ` (got '${text.slice(0, 80)}…', ${text.length} characters)` : ` (got '${text}')`;
      return `${path || "definition"}: ${issue.message}${shown}`;
    })
    .concat(more > 0 ? [`and ${more} more problem(s)`] : [])
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
