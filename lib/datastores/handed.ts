import { invalid } from "../errors";
import type { AzureBlobDatastoreConfig, AzureBlobSecret } from "./config";
import { LazyDatastore } from "./lazy";
import { LocalDatastore } from "./local";
import type { Datastore } from "./types";

/**
 * Opens a datastore a worker process was handed. The orchestrator opened it first through
 * `openDatastore`, which validated its kind, settings and secret, so this skips validation: a
 * worker starts without loading the validation library.
 */
export function openHandedDatastore(kind: string, config: unknown, secret?: unknown): Datastore {
  if (kind === "local") return new LocalDatastore((config as { root: string }).root);
  if (kind === "azure-blob") {
    return new LazyDatastore("azure-blob", async () => (await import("./azure-open")).openAzureBlob(config as AzureBlobDatastoreConfig, (secret ?? {}) as AzureBlobSecret, {}));
  }
  throw invalid(`datastore kind '${kind}' is not known: use 'local' or 'azure-blob'`);
}
