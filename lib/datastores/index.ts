import type { StoragePipelineOptions } from "@azure/storage-blob";
import { invalid } from "../errors";
import { checkAzureSettings } from "./azure-check";
import { LazyDatastore } from "./lazy";
import { AzureBlobDatastoreConfig, AzureBlobSecret, DatastoreKindSchema, LocalDatastoreConfig, describeIssues } from "./config";
import { LocalDatastore } from "./local";
import type { Datastore } from "./types";

export type { Datastore, DatastoreEntry, DatastoreKind, ListOptions } from "./types";
export { AzureBlobAuth, AzureBlobDatastoreConfig, AzureBlobSecret, DatastoreKindSchema, LocalDatastoreConfig } from "./config";
export { LocalDatastore } from "./local";
export { normalizeDatastorePath, compareUtf8 } from "./paths";
export { redactSecrets } from "./redact";

export interface OpenDatastoreOptions {
  /** Blobs per listing page (azure-blob). */
  pageSize?: number;
  /** Parallel downloads in materialize() (azure-blob). */
  downloadConcurrency?: number;
  /** SDK pipeline settings such as retryOptions (azure-blob). */
  pipeline?: StoragePipelineOptions;
}

/**
 * Opens a datastore from its stored kind, settings and secret, validating all three. Error
 * messages say what is missing and never contain a secret value.
 */
export function openDatastore(kind: string, config: unknown, secret?: unknown, options: OpenDatastoreOptions = {}): Datastore {
  const parsedKind = DatastoreKindSchema.safeParse(kind);
  if (!parsedKind.success) throw invalid(`datastore kind '${kind}' is not known: use 'local' or 'azure-blob'`);

  if (parsedKind.data === "local") {
    const parsed = LocalDatastoreConfig.safeParse(config);
    if (!parsed.success) throw invalid(`local datastore settings are not valid: ${describeIssues(parsed.error)}`);
    return new LocalDatastore(parsed.data.root);
  }

  const parsed = AzureBlobDatastoreConfig.safeParse(config);
  if (!parsed.success) throw invalid(`azure-blob datastore settings are not valid: ${describeIssues(parsed.error)}`);
  const parsedSecret = AzureBlobSecret.safeParse(secret ?? {});
  if (!parsedSecret.success) throw invalid(`azure-blob datastore secret is not valid: ${describeIssues(parsedSecret.error)}`);
  const s = parsedSecret.data;
  const settings = parsed.data;
  checkAzureSettings(settings, s);
  return new LazyDatastore("azure-blob", async () => (await import("./azure-open")).openAzureBlob(settings, s, options));
}
