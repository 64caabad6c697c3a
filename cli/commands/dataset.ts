import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { listDatasets, registerDataset } from "../../lib/services/datasets";
import { parse, required } from "../args";
import { EXIT, print } from "../exit-codes";
import type { Remote } from "../remote/connection";

export const help = `  prs dataset add <name> --datastore <ds> --path <path-or-glob> [--path ...] [--kind file|tabular] [--format csv|jsonl|parquet] [--delimiter ,] [--no-header]
  prs dataset list`;

/** `prs dataset add|list` (delete: delete.ts), on the local data folder or through a server's API. */
export async function datasetCommand(sub: string | undefined, argv: string[], remote?: Remote): Promise<number> {
  if (sub === "list") {
    const list = remote ? (await remote.api.listDatasets()).datasets : await listDatasets((await appContext()).db);
    for (const d of list) print(`${d.name}:${d.version}\t${d.kind}\t${d.datastore}\t${d.paths.join(" ")}`);
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
  const name = required(positionals[0], "dataset name");
  const format = values.format ?? "csv";
  let view: { name: string; version: number; kind: string; datastore: string; paths: string[] };
  if (remote) {
    if (format !== "csv" && format !== "jsonl" && format !== "parquet") throw invalid(`--format must be csv, jsonl or parquet, got '${format}'`);
    const tabular = kind === "tabular" ? { format, ...(values.delimiter ? { delimiter: values.delimiter } : {}), header: !values["no-header"] } : {};
    view = await remote.api.registerDataset({
      body: { name, kind, datastore: values.datastore!, paths: values.path ?? [], description: values.description, ...tabular },
    });
  } else {
    const ctx = await appContext();
    view = await registerDataset(ctx.db, ctx.access, {
      name,
      kind,
      datastore: values.datastore!,
      paths: values.path ?? [],
      description: values.description,
      options: kind === "tabular" ? { format, ...(values.delimiter ? { delimiter: values.delimiter } : {}), header: !values["no-header"] } : undefined,
    });
  }
  print(`registered dataset ${view.name}:${view.version} (${view.kind}, ${view.datastore}: ${view.paths.join(" ")})`);
  return EXIT.ok;
}
