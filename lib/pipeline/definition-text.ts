import YAML from "yaml";
import { parseOrThrow } from "../contracts/format";
import { PipelineDefinition } from "../contracts/pipeline";
import { errorMessage, invalid } from "../errors";
import { graphProblems } from "./graph";

export type DefinitionFormat = "json" | "yaml";

/** Reads a definition in the CLI's format (JSON or YAML; snake_case or camelCase) and checks it. */
export function parseDefinitionText(text: string, format?: DefinitionFormat): PipelineDefinition {
  const asJson = format === "json" || (format === undefined && /^\s*[{[]/.test(text));
  let raw: unknown;
  try {
    raw = asJson ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw invalid(`The definition is not valid ${asJson ? "JSON" : "YAML"}: ${errorMessage(error)}`);
  }
  const def = parseOrThrow(PipelineDefinition, raw, "Pipeline definition");
  const problems = graphProblems(def);
  if (problems.length) throw invalid(`Pipeline definition is not valid: ${problems.map((p) => `${p.where}: ${p.message}`).join("; ")}`);
  return def;
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Keys whose values are the user's own names (environment variables), kept as written. */
const VERBATIM = new Set(["environment_variables"]);

/**
 * A definition as Azure users write it: every field in snake_case (`parallel_run_config`,
 * `mini_batch_size`, `side_inputs`, `allow_reuse`); parsing accepts it back (acceptSnakeCase).
 */
export function toSnakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = snake(key);
    out[name] = VERBATIM.has(name) ? v : toSnakeCase(v);
  }
  return out;
}

/** The text `prs pipeline create <file>` accepts, in snake_case as the README writes it. */
export function formatDefinition(def: PipelineDefinition, format: DefinitionFormat): string {
  const azure = toSnakeCase(def);
  return format === "yaml" ? YAML.stringify(azure) : `${JSON.stringify(azure, null, 2)}\n`;
}
