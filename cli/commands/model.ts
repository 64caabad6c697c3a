import { join, resolve } from "node:path";
import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { listModels, registerModel } from "../../lib/services/models";
import { pairs, parse, required } from "../args";
import { EXIT, print } from "../exit-codes";

export const help = `  prs model add <name> --file <model.onnx> [--description <text>] [--tag key=value ...]
  prs model list`;

type TensorList = { name: string; type: string; shape: (number | string)[] }[];

const describeTensors = (list: TensorList) => list.map((t) => `${t.name} ${t.type}[${t.shape.join(",")}]`).join("; ");

/** `prs model add|list` (delete: delete.ts). */
export async function modelCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  if (sub === "list") {
    for (const m of await listModels(ctx.db))
      print(`${m.name}:${m.version}\tin: ${describeTensors(m.signature.inputs)}\tout: ${describeTensors(m.signature.outputs)}\t${m.description ?? ""}`);
    return EXIT.ok;
  }
  if (sub !== "add") throw invalid("use: prs model add|list|delete");
  const { values, positionals } = parse(argv, { file: { type: "string" }, description: { type: "string" }, tag: { type: "string", multiple: true } });
  const view = await registerModel(ctx.db, join(ctx.env.dataDir, "models"), {
    name: required(positionals[0], "model name"),
    file: resolve(required(values.file, "--file <model.onnx>")),
    description: values.description,
    tags: pairs(values.tag, "--tag"),
  });
  print(`registered model ${view.name}:${view.version}`);
  for (const t of view.signature.inputs) print(`  input  ${t.name}: ${t.type} [${t.shape.join(", ")}]`);
  for (const t of view.signature.outputs) print(`  output ${t.name}: ${t.type} [${t.shape.join(", ")}]`);
  return EXIT.ok;
}
