import { z } from "zod";

export const DatastoreKindSchema = z.enum(["local", "azure-blob"]);

export const LocalDatastoreConfig = z.strictObject({
  root: z.string().min(1, "give the folder the datastore points at"),
});
export type LocalDatastoreConfig = z.infer<typeof LocalDatastoreConfig>;

export const AzureBlobAuth = z.enum(["connection-string", "sas", "account-key"]);
export type AzureBlobAuth = z.infer<typeof AzureBlobAuth>;

/** Settings of a blob datastore that may be shown and logged. Secrets live in AzureBlobSecret. */
export const AzureBlobDatastoreConfig = z.strictObject({
  container: z
    .string()
    .regex(/^(?:\$root|[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62})$/, "use 3-63 lowercase letters, digits and single hyphens (Azure container name rules)"),
  /** e.g. https://myaccount.blob.core.windows.net; defaults from accountName. */
  accountUrl: z.url({ protocol: /^https?$/, error: "use an http(s) URL such as https://myaccount.blob.core.windows.net" }).optional(),
  auth: AzureBlobAuth,
  accountName: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, "use the storage account name: 3-24 lowercase letters and digits")
    .optional(),
});
export type AzureBlobDatastoreConfig = z.infer<typeof AzureBlobDatastoreConfig>;

/** The secret part of a blob datastore, stored apart from the settings; never shown or logged. */
export const AzureBlobSecret = z.strictObject({
  connectionString: z.string().min(1).optional(),
  sasToken: z.string().min(1).optional(),
  accountKey: z.string().min(1).optional(),
});
export type AzureBlobSecret = z.infer<typeof AzureBlobSecret>;

/** Turns zod issues into one readable sentence. Messages name fields, never input values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}
