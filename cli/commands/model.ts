import { existsSync, openAsBlob } from "node:fs";
import { basename, join, resolve } from "node:path";
import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { listModels, registerModel } from "../../lib/services/models";
import { pairs, parse, required } from "../args";
import { EXIT, print } from "../exit-codes";
import type { Remote } from "../remote/connection";

export const help = `  prs model add <name> --file <model.onnx> [--description <text>] [--tag key=value ...]   (uploaded when signed in to a server)
  prs model list`;

type TensorList = { name: string; type: string; shape: (number | string)[] }[];
type ModelView = { name: string; version: number; description?: string | null; signature: { inputs: TensorList; outputs: TensorList } };

const describeTensors = (list: TensorList) => list.map((t) => `${t.name} ${t.type}[${t.shape.join(",")}]`).join("; ");

/** `prs model add|list` (delete: delete.ts), on the local data folder or through a server's API (the file is uploaded). */
export async function modelCommand(sub: string | undefined, argv: string[], remote?: Remote): Promise<number> {
  if (sub === "list") {
    const list: ModelView[] = remote ? (await remote.api.listModels()).models : await listModels((await appContext()).db);
    for (const m of list)
      print(`${m.name}:${m.version}\tin: ${describeTensors(m.signature.inputs)}\tout: ${describeTensors(m.signature.outputs)}\t${m.description ?? ""}`);
    return EXIT.ok;
  }
  if (sub !== "add") throw invalid("use: prs model add|list|delete");
  const { values, positionals } = parse(argv, { file: { type: "string" }, description: { type: "string" }, tag: { type: "string", multiple: true } });
  const name = required(positionals[0], "model name");
  const file = resolve(required(values.file, "--file <model.onnx>"));
  const tags = pairs(values.tag, "--tag");
  let view: ModelView;
  if (remote) {
    if (!existsSync(file)) throw invalid(`model file '${file}' not found`);
    const form = new FormData();
    form.set("name", name);
    if (values.description) form.set("description", values.description);
    if (values.tag?.length)
      form.set(
        "tags",
        Object.entries(tags)
          .map(([k, v]) => `${k}=${v}`)
          .join("\n"),
      );
    form.set("file", await openAsBlob(file), basename(file));
    view = await remote.api.registerModel({ form });
  } else {
    const ctx = await appContext();
    view = await registerModel(ctx.db, join(ctx.env.dataDir, "models"), { name, file, description: values.description, tags });
  }
  print(`registered model ${view.name}:${view.version}`);
  for (const t of view.signature.inputs) print(`  input  ${t.name}: ${t.type} [${t.shape.join(", ")}]`);
  for (const t of view.signature.outputs) print(`  output ${t.name}: ${t.type} [${t.shape.join(", ")}]`);
  return EXIT.ok;
}
