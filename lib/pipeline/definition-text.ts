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

/** The text `prs pipeline create <file>` accepts. */
export function formatDefinition(def: PipelineDefinition, format: DefinitionFormat): string {
  return format === "yaml" ? YAML.stringify(def) : `${JSON.stringify(def, null, 2)}\n`;
}
