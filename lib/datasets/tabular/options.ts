import { z } from "zod";

const delimiter = z
  .string()
  .transform((value) => (value === "\\t" || value.toLowerCase() === "tab" ? "\t" : value))
  .pipe(
    z
      .string()
      .regex(/^[\u0001-\u0009\u000b\u000c\u000e-\u0021\u0023-\u007f]$/, "use one ASCII character other than '\"', CR or LF, such as ',', ';', '|' or tab"),
  );

/** How to read a tabular dataset's files. Defaults: delimiter ",", header true, encoding utf8. */
export const TabularOptions = z.strictObject({
  format: z.enum(["csv", "jsonl", "parquet"]),
  /** CSV only: one ASCII character ("," by default; "\\t" or "tab" for tab). */
  delimiter: delimiter.optional(),
  /** CSV only: whether the first line names the columns; without it they are column_0, column_1, ... */
  header: z.boolean().optional(),
  encoding: z.literal("utf8").optional(),
});
export type TabularOptions = z.infer<typeof TabularOptions>;

export interface ResolvedTabularOptions {
  format: "csv" | "jsonl" | "parquet";
  delimiter: string;
  header: boolean;
  encoding: "utf8";
}

/** Fills in defaults. */
export function resolveTabularOptions(options: TabularOptions): ResolvedTabularOptions {
  return { format: options.format, delimiter: options.delimiter ?? ",", header: options.header ?? true, encoding: "utf8" };
}
