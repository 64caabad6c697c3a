import { z } from "zod";
import { CanvasGraph } from "./canvas";
import { boundedRecord, Description, LIMITS, PathText, ResourceName, ShortText } from "./common";

/** Requests and responses of the designer's and data pages' REST routes (browser and server share them). */

export const CreatePipelineRequest = z.object({
  name: ResourceName,
  description: Description.optional(),
  /** Start from a definition in the CLI format (JSON or YAML text), drawn as a canvas. */
  definitionText: z.string().max(LIMITS.definitionText).optional(),
});
export type CreatePipelineRequest = z.infer<typeof CreatePipelineRequest>;

export const RenamePipelineRequest = z.object({ name: ResourceName, description: Description.optional() });
export const DuplicatePipelineRequest = z.object({ name: ResourceName });
export const SaveDraftRequest = z.object({ canvas: CanvasGraph, expectedRevision: z.number().int().min(0), description: Description.optional() });
export type SaveDraftRequest = z.infer<typeof SaveDraftRequest>;
export const PublishRequest = z.object({ expectedRevision: z.number().int().min(0).optional() });
export const SubmitDraftRequest = z.object({
  expectedRevision: z.number().int().min(0).optional(),
  experiment: ShortText.optional(),
  parameters: boundedRecord(z.union([PathText, z.number(), z.boolean()])).optional(),
  regenerateOutputs: z.boolean().optional(),
});
export const ImportDefinitionRequest = z.object({
  text: z.string().min(1, "the file is empty").max(LIMITS.definitionText),
  format: z.enum(["json", "yaml"]).optional(),
});

export const PipelineSummaryJson = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  latestVersion: z.number(),
  runs: z.number(),
  hasDraft: z.boolean(),
  updatedAt: z.string(),
});
export type PipelineSummaryJson = z.infer<typeof PipelineSummaryJson>;

export const PipelineDraftJson = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  canvas: CanvasGraph,
  revision: z.number(),
  latestVersion: z.number(),
  runs: z.number(),
  updatedAt: z.string(),
});
export type PipelineDraftJson = z.infer<typeof PipelineDraftJson>;

export const RegisterDatastoreRequest = z.discriminatedUnion("kind", [
  z.object({ name: z.string().min(1).max(LIMITS.name), kind: z.literal("local"), root: PathText.min(1, "give the folder the datastore points at") }),
  z.object({
    name: z.string().min(1).max(LIMITS.name),
    kind: z.literal("azure-blob"),
    container: z.string().min(1, "give the container name").max(LIMITS.text),
    accountUrl: PathText.optional(),
    accountName: ShortText.optional(),
    auth: z.enum(["connection-string", "sas", "account-key"]),
    /** Write-only: stored server-side, never returned. */
    secret: z.string().min(1, "give the connection string, SAS token or account key").max(LIMITS.secret),
  }),
]);
export type RegisterDatastoreRequest = z.infer<typeof RegisterDatastoreRequest>;

/** A datastore holds data in a local folder or an Azure blob container. */
export const DatastoreKind = z.enum(["local", "azure-blob"]);
export type DatastoreKind = z.infer<typeof DatastoreKind>;

/** A FileDataset (items are files) or a TabularDataset (items are rows). */
export const DatasetKind = z.enum(["file", "tabular"]);
export type DatasetKind = z.infer<typeof DatasetKind>;

/** Non-secret datastore settings (root folder, container, account url, auth kind). */
export const DatastoreConfig = z.record(z.string(), z.unknown());

export const DatastoreJson = z.object({
  id: z.string(),
  name: z.string(),
  kind: DatastoreKind,
  config: DatastoreConfig,
  hasSecret: z.boolean(),
  createdAt: z.string(),
});
export type DatastoreJson = z.infer<typeof DatastoreJson>;

export const DatasetRequest = z.object({
  name: ResourceName,
  kind: DatasetKind,
  datastore: z.string().min(1).max(LIMITS.name),
  paths: z.array(PathText.min(1)).min(1, "give at least one path or glob").max(LIMITS.items),
  format: z.enum(["csv", "jsonl", "parquet"]).optional(),
  delimiter: z.string().max(8).optional(),
  header: z.boolean().optional(),
  description: Description.optional(),
});
export type DatasetRequest = z.infer<typeof DatasetRequest>;
export const DatasetPreviewRequest = DatasetRequest.omit({ name: true, description: true });
export type DatasetPreviewRequest = z.infer<typeof DatasetPreviewRequest>;

export const DatasetPreviewJson = z.object({
  /** First matched files and how many matched in all (counting stops at `limit`). */
  files: z.array(z.object({ path: z.string(), size: z.number() })),
  matched: z.number(),
  more: z.boolean(),
  /** Tabular datasets: the first rows of the first file. */
  columns: z.array(z.string()).optional(),
  rows: z.array(z.array(z.string())).optional(),
  /** Why there are no rows to show (the first file is not text). */
  note: z.string().optional(),
});
export type DatasetPreviewJson = z.infer<typeof DatasetPreviewJson>;

export const DatasetJson = z.object({
  id: z.string(),
  name: z.string(),
  kind: DatasetKind,
  version: z.number(),
  datastore: z.string(),
  paths: z.array(z.string()),
  description: z.string().optional(),
  createdAt: z.string(),
});
export type DatasetJson = z.infer<typeof DatasetJson>;

/** One model input or output as the runtime reports it; symbolic dimensions ("N") are strings. */
const TensorInfoJson = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) });
export const ModelSignatureJson = z.object({ inputs: z.array(TensorInfoJson), outputs: z.array(TensorInfoJson) });

export const ModelJson = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number(),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()),
  sizeBytes: z.number(),
  sha256: z.string(),
  signature: ModelSignatureJson,
  createdAt: z.string(),
});
export type ModelJson = z.infer<typeof ModelJson>;

export const ProblemJson = z.object({
  nodeId: z.string().optional(),
  field: z.string().optional(),
  message: z.string(),
  severity: z.enum(["error", "warning"]),
});
export type ProblemJson = z.infer<typeof ProblemJson>;

/** What a delete of a datastore, dataset or model did (archived: only finished runs still refer to it). */
export const DeleteOutcomeJson = z.object({ deleted: z.array(z.string()), archived: z.array(z.string()), message: z.string() });
export type DeleteOutcomeJson = z.infer<typeof DeleteOutcomeJson>;
