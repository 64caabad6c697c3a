import { parseArgs, type ParseArgsConfig } from "node:util";
import { invalid } from "../lib/errors";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with the user's mistake turned into a clear error. */
export function parse<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw invalid((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
}

export function required(value: string | undefined, what: string): string {
  if (!value) throw invalid(`missing ${what}`);
  return value;
}

/** "k=v" pairs into an object. */
export function pairs(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw invalid(`${flag} takes name=value, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}
