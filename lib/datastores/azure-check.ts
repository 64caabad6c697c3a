import { invalid } from "../errors";
import type { AzureBlobDatastoreConfig, AzureBlobSecret } from "./config";

const needs = (what: string, auth: string) => invalid(`azure-blob datastore needs ${what} when auth is ${auth}`);

/**
 * The checks of createContainerClient that need no SDK, run when a datastore is opened (the SDK
 * itself loads on first use). Messages name what is missing and never echo a secret.
 */
export function checkAzureSettings(config: AzureBlobDatastoreConfig, secret: AzureBlobSecret): void {
  switch (config.auth) {
    case "connection-string":
      if (!secret.connectionString) throw needs("a connection string", config.auth);
      if (!/(^|;)\s*(AccountName|BlobEndpoint|SharedAccessSignature|UseDevelopmentStorage)\s*=/i.test(secret.connectionString)) {
        throw invalid(
          "azure-blob datastore connection string is not valid: copy it from the storage account's 'Access keys' page (DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...)",
        );
      }
      return;
    case "sas":
      if (!secret.sasToken) throw needs("a SAS token", config.auth);
      if (!/(^|&)sig=/.test(secret.sasToken.replace(/^\?/, ""))) throw invalid("azure-blob datastore SAS token is not valid: it has no 'sig=' part");
      if (!config.accountUrl && !config.accountName) throw needs("accountUrl or accountName", config.auth);
      return;
    case "account-key":
      if (!secret.accountKey) throw needs("an account key", config.auth);
      if (!config.accountName) throw needs("accountName", config.auth);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret.accountKey)) {
        throw invalid("azure-blob datastore account key is not valid: it must be the base64 key from the storage account's 'Access keys' page");
      }
      return;
  }
}
