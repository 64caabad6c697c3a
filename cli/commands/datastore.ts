import { resolve } from "node:path";
import type { RegisterDatastoreRequest } from "../../lib/contracts/designer-api";
import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { listDatastores, registerDatastore } from "../../lib/services/datastores";
import { parse, required } from "../args";
import { EXIT, print } from "../exit-codes";
import type { Remote } from "../remote/connection";

export const help = `  prs datastore add <name> --kind local --root <dir>
  prs datastore add <name> --kind azure-blob --container <c> (--connection-string <s> | --account-url <u> --sas <t> | --account-name <a> --account-key <k>)
  prs datastore list`;

const describe = (d: { name: string; kind: string; config: Record<string, unknown>; hasSecret: boolean }) =>
  `${d.name}\t${d.kind}\t${JSON.stringify(d.config)}${d.hasSecret ? "\t(secret set)" : ""}`;

const registered = (d: { name: string; kind: string; config: Record<string, unknown> }) =>
  d.kind === "local"
    ? `registered datastore ${d.name} (local ${String(d.config.root)})`
    : `registered datastore ${d.name} (azure-blob container ${String(d.config.container)})`;

/** `prs datastore add|list` (delete: delete.ts), on the local data folder or through a server's API. */
export async function datastoreCommand(sub: string | undefined, argv: string[], remote?: Remote): Promise<number> {
  if (sub === "list") {
    const list = remote ? (await remote.api.listDatastores()).datastores : await listDatastores((await appContext()).db);
    for (const d of list) print(describe(d));
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
    // Against a server the folder is the server's: it is sent as given (absolute), not resolved here.
    const root = required(values.root, "--root <folder>");
    if (remote) {
      print(registered(await remote.api.registerDatastore({ body: { name, kind: "local", root } })));
      return EXIT.ok;
    }
    const ctx = await appContext();
    print(registered(await registerDatastore(ctx.db, ctx.access, { name, kind: "local", config: { root: resolve(root) } })));
    return EXIT.ok;
  }
  if (values.kind !== "azure-blob") throw invalid(`--kind must be local or azure-blob, got '${values.kind}'`);
  const auth = values["connection-string"] ? "connection-string" : values.sas ? "sas" : values["account-key"] ? "account-key" : undefined;
  if (!auth) throw invalid("an azure-blob datastore needs --connection-string, --sas or --account-key");
  const container = required(values.container, "--container");
  if (remote) {
    const secret = values["connection-string"] ?? values.sas ?? values["account-key"] ?? "";
    const body: RegisterDatastoreRequest = {
      name,
      kind: "azure-blob",
      container,
      auth,
      accountUrl: values["account-url"],
      accountName: values["account-name"],
      secret,
    };
    print(registered(await remote.api.registerDatastore({ body })));
    return EXIT.ok;
  }
  const ctx = await appContext();
  const view = await registerDatastore(ctx.db, ctx.access, {
    name,
    kind: "azure-blob",
    config: { container, auth, accountUrl: values["account-url"], accountName: values["account-name"] },
    secret: { connectionString: values["connection-string"], sasToken: values.sas, accountKey: values["account-key"] },
  });
  print(registered(view));
  return EXIT.ok;
}
