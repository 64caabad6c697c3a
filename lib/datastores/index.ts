import { invalid } from "../errors";
import { checkAzureSettings } from "./azure-check";
import { openHandedDatastore, type OpenDatastoreOptions } from "./handed";
import { AzureBlobDatastoreConfig, AzureBlobSecret, DatastoreKindSchema, LocalDatastoreConfig, describeIssues } from "./config";
import type { Datastore } from "./types";

export type { Datastore, DatastoreEntry, DatastoreKind, ListOptions } from "./types";
export { AzureBlobAuth, AzureBlobDatastoreConfig, AzureBlobSecret, DatastoreKindSchema, LocalDatastoreConfig } from "./config";
export { LocalDatastore } from "./local";
export type { OpenDatastoreOptions } from "./handed";
export { normalizeDatastorePath, compareUtf8 } from "./paths";
export { redactSecrets } from "./redact";

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
    return openHandedDatastore("local", parsed.data);
  }

  const parsed = AzureBlobDatastoreConfig.safeParse(config);
  if (!parsed.success) throw invalid(`azure-blob datastore settings are not valid: ${describeIssues(parsed.error)}`);
  const parsedSecret = AzureBlobSecret.safeParse(secret ?? {});
  if (!parsedSecret.success) throw invalid(`azure-blob datastore secret is not valid: ${describeIssues(parsedSecret.error)}`);
  checkAzureSettings(parsed.data, parsedSecret.data);
  return openHandedDatastore("azure-blob", parsed.data, parsedSecret.data, options);
}
