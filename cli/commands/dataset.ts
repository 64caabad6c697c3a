import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { listDatasets, registerDataset } from "../../lib/services/datasets";
import { parse, required } from "../args";
import { EXIT, print } from "../exit-codes";

export const help = `  prs dataset add <name> --datastore <ds> --path <path-or-glob> [--path ...] [--kind file|tabular] [--format csv|jsonl|parquet] [--delimiter ,] [--no-header]
  prs dataset list`;

/** `prs dataset add|list` (delete: delete.ts). */
export async function datasetCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  if (sub === "list") {
    for (const d of await listDatasets(ctx.db)) print(`${d.name}:${d.version}\t${d.kind}\t${d.datastore}\t${d.paths.join(" ")}`);
    return EXIT.ok;
  }
  if (sub !== "add") throw invalid("use: prs dataset add|list|delete");
  const { values, positionals } = parse(argv, {
    datastore: { type: "string", default: "workspace" },
    path: { type: "string", multiple: true },
    kind: { type: "string" },
    format: { type: "string" },
    delimiter: { type: "string" },
    "no-header": { type: "boolean", default: false },
    description: { type: "string" },
  });
  const kind = (values.kind ?? (values.format ? "tabular" : "file")) as "file" | "tabular";
  if (kind !== "file" && kind !== "tabular") throw invalid(`--kind must be file or tabular, got '${String(values.kind)}'`);
  const view = await registerDataset(ctx.db, ctx.access, {
    name: required(positionals[0], "dataset name"),
    kind,
    datastore: values.datastore!,
    paths: values.path ?? [],
    description: values.description,
    options:
      kind === "tabular"
        ? { format: values.format ?? "csv", ...(values.delimiter ? { delimiter: values.delimiter } : {}), header: !values["no-header"] }
        : undefined,
  });
  print(`registered dataset ${view.name}:${view.version} (${view.kind}, ${view.datastore}: ${view.paths.join(" ")})`);
  return EXIT.ok;
}
