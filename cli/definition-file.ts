import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import YAML from "yaml";
import { errorMessage, invalid } from "../lib/errors";

/** Reads a JSON or YAML definition; relative entry scripts and source folders are made absolute. */
export function readDefinition(file: string): unknown {
  if (!existsSync(file)) throw invalid(`definition file '${file}' not found`);
  const text = readFileSync(file, "utf8");
  let def: unknown;
  try {
    def = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw invalid(`definition file '${file}' is not valid ${/\.ya?ml$/i.test(file) ? "YAML" : "JSON"}: ${errorMessage(error)}`);
  }
  const base = dirname(resolve(file));
  const steps = (def as { steps?: Record<string, Record<string, unknown>>[] })?.steps;
  for (const step of Array.isArray(steps) ? steps : []) {
    const cfg = (step.parallel_run_config ?? step.parallelRunConfig) as Record<string, unknown> | undefined;
    if (!cfg || typeof cfg !== "object") continue;
    for (const key of ["source_directory", "sourceDirectory"]) {
      if (typeof cfg[key] === "string" && !isAbsolute(cfg[key])) cfg[key] = resolve(base, cfg[key]);
    }
    const hasSource = cfg.source_directory ?? cfg.sourceDirectory;
    for (const key of ["entry_script", "entryScript"]) {
      if (typeof cfg[key] === "string" && !hasSource && !isAbsolute(cfg[key])) cfg[key] = resolve(base, cfg[key]);
    }
  }
  return def;
}
