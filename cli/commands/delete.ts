import { invalid } from "../../lib/errors";
import { appContext } from "../../lib/server/context";
import { deleteDataset, deleteDatastore, deleteModel } from "../../lib/services/registry-delete";
import { parse, required } from "../args";
import { EXIT, print } from "../exit-codes";
import type { Remote } from "../remote/connection";

export const help = `  prs datastore delete <name>                   unregister (its files stay); refused while used
  prs dataset delete <name>[:version]           one version, or every version; archived when finished runs used it
  prs model delete <name>[:version]             one version, or every version (and its stored file)`;

/**
 * `prs datastore|dataset|model delete`: prints what was deleted or archived. A refusal (something
 * still uses it) exits 4 naming the user, an unknown name exits 3 (through main's AppError mapping).
 */
export async function deleteCommand(noun: "datastore" | "dataset" | "model", argv: string[], remote?: Remote): Promise<number> {
  const { positionals } = parse(argv, {});
  const ref = required(positionals[0], noun === "datastore" ? "datastore name" : `${noun} name[:version]`);
  if (positionals.length > 1) throw invalid(`prs ${noun} delete takes one name, got ${positionals.length}`);
  if (remote) {
    // The routes take "name:N" for one version, as this command does.
    const params = { params: { name: ref } };
    const result =
      noun === "datastore"
        ? await remote.api.deleteDatastore(params)
        : noun === "dataset"
          ? await remote.api.deleteDataset(params)
          : await remote.api.deleteModel(params);
    print(result.message);
    return EXIT.ok;
  }
  const { db } = await appContext();
  const result = noun === "dataset" ? await deleteDataset(db, ref) : noun === "model" ? await deleteModel(db, ref) : await deleteDatastore(db, ref);
  print(result.message);
  return EXIT.ok;
}
