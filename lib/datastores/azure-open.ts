import type { StoragePipelineOptions } from "@azure/storage-blob";
import { AzureBlobDatastore } from "./azure-blob";
import { createContainerClient } from "./azure-client";
import type { AzureBlobDatastoreConfig, AzureBlobSecret } from "./config";

/** Loaded on first use only: the Azure SDK takes a quarter of a second to import. */
export function openAzureBlob(
  config: AzureBlobDatastoreConfig,
  secret: AzureBlobSecret,
  options: { pageSize?: number; downloadConcurrency?: number; pipeline?: StoragePipelineOptions },
): AzureBlobDatastore {
  const client = createContainerClient(config, secret, options.pipeline);
  return new AzureBlobDatastore(client, {
    pageSize: options.pageSize,
    downloadConcurrency: options.downloadConcurrency,
    secrets: [secret.connectionString, secret.sasToken, secret.accountKey],
  });
}
