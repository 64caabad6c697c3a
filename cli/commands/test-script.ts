import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { testEntryScript } from "../../lib/engine/local-test";
import { invalid } from "../../lib/errors";
import { parse } from "../args";
import { EXIT } from "../exit-codes";
import { listTree } from "../list-tree";

export const help = `  prs test-script <entry-script> <file-or-folder> [...] [--mini-batch-size N] [--arg value ...] [--environment <name>[:<version>]]`;

/** Runs an entry script on one mini-batch of local files, without a database or a pool. */
export async function testScriptCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    "mini-batch-size": { type: "string", default: "10" },
    arg: { type: "string", multiple: true },
    "logging-level": { type: "string", default: "DEBUG" },
    timeout: { type: "string", default: "60" },
    environment: { type: "string" },
  });
  const [script, ...inputs] = positionals;
  if (!script || inputs.length === 0) throw invalid("use: prs test-script <entry-script> <file-or-folder> [...]");
  const size = Number(values["mini-batch-size"]);
  if (!Number.isInteger(size) || size < 1) throw invalid(`--mini-batch-size must be a whole number >= 1, got '${values["mini-batch-size"]}'`);
  const files = inputFiles(inputs);
  const level = String(values["logging-level"]).toUpperCase();
  if (!["DEBUG", "INFO", "WARNING"].includes(level)) throw invalid(`--logging-level must be DEBUG, INFO or WARNING, got '${level}'`);
  const environment = values.environment ? await buildNamedEnvironment(values.environment) : undefined;
  const result = await testEntryScript({
    environment,
    script,
    files: files.slice(0, size),
    arguments: values.arg,
    loggingLevel: level as "DEBUG",
    timeoutSeconds: Number(values.timeout),
  });
  if (result.initError) {
    process.stderr.write(`init() failed: ${result.initError}\n`);
    return EXIT.failed;
  }
  const r = result.result;
  process.stdout.write(result.output);
  process.stderr.write(`${r.status}: ${r.succeeded} of ${r.itemCount} items succeeded, ${r.failed} failed, run() took ${r.runSeconds.toFixed(3)} s\n`);
  if (r.error) process.stderr.write(`error: ${r.error}\n`);
  for (const e of r.itemErrors) process.stderr.write(`failed item ${e.item}: ${e.reason}\n`);
  process.stderr.write(`logs: ${result.logDir}\n`);
  return r.status === "RUN_DONE" ? EXIT.ok : EXIT.failed;
}

/** The registered environment, built on this machine (as a run would), with its variables. */
async function buildNamedEnvironment(ref: string): Promise<{ dir: string; variables: Record<string, string> }> {
  const { appContext } = await import("../../lib/server/context");
  const { buildEnvironment, resolveEnvironment } = await import("../../lib/services/environments");
  const ctx = await appContext();
  const view = await resolveEnvironment(ctx.db, ref);
  const built = await buildEnvironment(ctx.db, ctx.env.dataDir, `${view.name}:${view.version}`);
  process.stderr.write(`environment ${built.label}: ${built.built ? "built" : "from the cache"}\n`);
  return { dir: built.dir, variables: view.variables };
}

/** The files given, folders expanded to every file under them. */
function inputFiles(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw invalid(`input '${input}' not found`);
    if (statSync(input).isDirectory()) files.push(...listTree(input).map((f) => join(input, f)));
    else files.push(input);
  }
  return files;
}
