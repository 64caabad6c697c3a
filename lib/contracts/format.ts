import type { z } from "zod";
import { invalid, type AppError } from "../errors";

/** "steps[0].name: a step name has 3 to 32 characters (got 'A')" for every issue. */
export function formatIssues(error: z.ZodError, input?: unknown): string {
  // Bounded: a huge body must not come back as a huge message.
  const shownIssues = error.issues.slice(0, 20);
  const more = error.issues.length - shownIssues.length;
  return shownIssues
    .map((issue) => {
      const path = spelledPath(input, issue.path).reduce<string>(
        (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
        "",
      );
      const got = valueAt(input, issue.path);
      // A field left out of the input: "is required", not "expected string, received undefined".
      const missing = got === undefined && input !== undefined && issue.path.length > 0;
      if (missing && ["invalid_type", "invalid_value", "invalid_union"].includes(issue.code)) return `${path} is required`;
      // Messages of our own refinements already quote the value.
      const text = got === undefined || typeof got === "object" || issue.message.includes("got '") ? undefined : String(got);
      const shown = text === undefined ? "" : text.length > 80 ? ` (got '${text.slice(0, 80)}…', ${text.length} characters)` : ` (got '${text}')`;
      return `${path || "definition"}: ${issue.message}${shown}`;
    })
    .concat(more > 0 ? [`and ${more} more problem(s)`] : [])
    .join("; ");
}

const toSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The issue's path as the input spells it: a definition written in snake_case (Azure's
 * `parallel_run_config.mini_batch_size`) hears about its own keys, not the camelCase the schema
 * reads them as. A key the input lacks follows the spelling of its siblings.
 */
function spelledPath(input: unknown, path: PropertyKey[]): PropertyKey[] {
  let cur: unknown = input;
  return path.map((key) => {
    if (typeof key === "number") {
      cur = Array.isArray(cur) ? cur[key] : undefined;
      return key;
    }
    const name = String(key);
    if (cur === null || typeof cur !== "object") return name;
    const obj = cur as Record<string, unknown>;
    const snake = toSnake(name);
    const spelled = name in obj ? name : snake in obj ? snake : Object.keys(obj).some((k) => k.includes("_")) ? snake : name;
    cur = obj[spelled];
    return spelled;
  });
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
