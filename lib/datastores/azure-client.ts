import { AnonymousCredential, ContainerClient, StorageSharedKeyCredential, type StoragePipelineOptions } from "@azure/storage-blob";
import { invalid } from "../errors";
import type { AzureBlobDatastoreConfig, AzureBlobSecret } from "./config";

const needs = (what: string, auth: string) => invalid(`azure-blob datastore needs ${what} when auth is ${auth}`);

function accountUrlOf(config: AzureBlobDatastoreConfig, auth: string): string {
  if (config.accountUrl) return config.accountUrl.replace(/\/+$/, "");
  if (config.accountName) return `https://${config.accountName}.blob.core.windows.net`;
  throw needs("accountUrl or accountName", auth);
}

/**
 * Builds the SDK client for the container from settings and secret. Errors name what is missing
 * and never echo a secret.
 */
export function createContainerClient(config: AzureBlobDatastoreConfig, secret: AzureBlobSecret, pipeline: StoragePipelineOptions = {}): ContainerClient {
  switch (config.auth) {
    case "connection-string": {
      if (!secret.connectionString) throw needs("a connection string", config.auth);
      try {
        return new ContainerClient(secret.connectionString, config.container, pipeline);
      } catch {
        throw invalid(
          "azure-blob datastore connection string is not valid: copy it from the storage account's 'Access keys' page (DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...)",
        );
      }
    }
    case "sas": {
      if (!secret.sasToken) throw needs("a SAS token", config.auth);
      const token = secret.sasToken.replace(/^\?/, "");
      if (!/(^|&)sig=/.test(token)) throw invalid("azure-blob datastore SAS token is not valid: it has no 'sig=' part");
      return new ContainerClient(`${accountUrlOf(config, config.auth)}/${config.container}?${token}`, new AnonymousCredential(), pipeline);
    }
    case "account-key": {
      if (!secret.accountKey) throw needs("an account key", config.auth);
      if (!config.accountName) throw needs("accountName", config.auth);
      let credential: StorageSharedKeyCredential;
      try {
        credential = new StorageSharedKeyCredential(config.accountName, secret.accountKey);
      } catch {
        throw invalid("azure-blob datastore account key is not valid: it must be the base64 key from the storage account's 'Access keys' page");
      }
      return new ContainerClient(`${accountUrlOf(config, config.auth)}/${config.container}`, credential, pipeline);
    }
  }
}
