import type { StoragePipelineOptions } from "@azure/storage-blob";
import { invalid } from "../errors";
import type { AzureBlobDatastoreConfig, AzureBlobSecret } from "./config";
import { LazyDatastore } from "./lazy";
import { LocalDatastore } from "./local";
import type { Datastore } from "./types";

export interface OpenDatastoreOptions {
  /** Blobs per listing page (azure-blob). */
  pageSize?: number;
  /** Parallel downloads in materialize() (azure-blob). */
  downloadConcurrency?: number;
  /** SDK pipeline settings such as retryOptions (azure-blob). */
  pipeline?: StoragePipelineOptions;
}

/**
 * Opens a datastore whose kind, settings and secret were validated already: by `openDatastore`,
 * which calls this, or, in a worker process, by the orchestrator that handed them over (a worker
 * starts without loading the validation library).
 */
export function openHandedDatastore(kind: string, config: unknown, secret?: unknown, options: OpenDatastoreOptions = {}): Datastore {
  if (kind === "local") return new LocalDatastore((config as { root: string }).root);
  if (kind === "azure-blob") {
    return new LazyDatastore("azure-blob", async () =>
      (await import("./azure-open")).openAzureBlob(config as AzureBlobDatastoreConfig, (secret ?? {}) as AzureBlobSecret, options),
    );
  }
  throw invalid(`datastore kind '${kind}' is not known: use 'local' or 'azure-blob'`);
}
