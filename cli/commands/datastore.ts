import { resolve } from "node:path";
import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { listDatastores, registerDatastore } from "../../lib/services/datastores";
import { parse, required } from "../args";
import { EXIT, print } from "../exit-codes";

export const help = `  prs datastore add <name> --kind local --root <dir>
  prs datastore add <name> --kind azure-blob --container <c> (--connection-string <s> | --account-url <u> --sas <t> | --account-name <a> --account-key <k>)
  prs datastore list`;

/** `prs datastore add|list` (delete: delete.ts). */
export async function datastoreCommand(sub: string | undefined, argv: string[]): Promise<number> {
  const ctx = await appContext();
  if (sub === "list") {
    for (const d of await listDatastores(ctx.db)) print(`${d.name}\t${d.kind}\t${JSON.stringify(d.config)}${d.hasSecret ? "\t(secret set)" : ""}`);
    return EXIT.ok;
  }
  if (sub !== "add") throw invalid("use: prs datastore add|list|delete");
  const { values, positionals } = parse(argv, {
    kind: { type: "string", default: "local" },
    root: { type: "string" },
    container: { type: "string" },
    "connection-string": { type: "string" },
    "account-url": { type: "string" },
    "account-name": { type: "string" },
    "account-key": { type: "string" },
    sas: { type: "string" },
  });
  const name = required(positionals[0], "datastore name");
  if (values.kind === "local") {
    const view = await registerDatastore(ctx.db, ctx.access, { name, kind: "local", config: { root: resolve(required(values.root, "--root <folder>")) } });
    print(`registered datastore ${view.name} (local ${String(view.config.root)})`);
    return EXIT.ok;
  }
  if (values.kind !== "azure-blob") throw invalid(`--kind must be local or azure-blob, got '${values.kind}'`);
  const auth = values["connection-string"] ? "connection-string" : values.sas ? "sas" : values["account-key"] ? "account-key" : undefined;
  if (!auth) throw invalid("an azure-blob datastore needs --connection-string, --sas or --account-key");
  const view = await registerDatastore(ctx.db, ctx.access, {
    name,
    kind: "azure-blob",
    config: { container: required(values.container, "--container"), auth, accountUrl: values["account-url"], accountName: values["account-name"] },
    secret: { connectionString: values["connection-string"], sasToken: values.sas, accountKey: values["account-key"] },
  });
  print(`registered datastore ${view.name} (azure-blob container ${String(view.config.container)})`);
  return EXIT.ok;
}
