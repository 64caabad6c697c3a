import { z } from "zod";
import { CanvasGraph } from "./canvas";
import { boundedRecord, Description, LIMITS, PathText, ResourceName, ShortText } from "./common";
import type { ModelSignature } from "../onnx/types";

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
export const ImportDefinitionRequest = z.object({ text: z.string().min(1, "the file is empty").max(LIMITS.definitionText), format: z.enum(["json", "yaml"]).optional() });

export interface PipelineSummaryJson {
  id: string;
  name: string;
  description?: string;
  latestVersion: number;
  runs: number;
  hasDraft: boolean;
  updatedAt: string;
}

export interface PipelineDraftJson {
  id: string;
  name: string;
  description?: string;
  canvas: CanvasGraph;
  revision: number;
  latestVersion: number;
  runs: number;
  updatedAt: string;
}

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

export interface DatastoreJson {
  id: string;
  name: string;
  kind: "local" | "azure-blob";
  config: Record<string, unknown>;
  hasSecret: boolean;
  createdAt: string;
}

export const DatasetRequest = z.object({
  name: ResourceName,
  kind: z.enum(["file", "tabular"]),
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

export interface DatasetPreviewJson {
  /** First matched files and how many matched in all (counting stops at `limit`). */
  files: { path: string; size: number }[];
  matched: number;
  more: boolean;
  /** Tabular datasets: the first rows of the first file. */
  columns?: string[];
  rows?: string[][];
}

export interface DatasetJson {
  id: string;
  name: string;
  kind: "file" | "tabular";
  version: number;
  datastore: string;
  paths: string[];
  description?: string;
  createdAt: string;
}

export interface ModelJson {
  id: string;
  name: string;
  version: number;
  description?: string;
  tags: Record<string, string>;
  sizeBytes: number;
  sha256: string;
  signature: ModelSignature;
  createdAt: string;
}

export interface ProblemJson {
  nodeId?: string;
  field?: string;
  message: string;
  severity: "error" | "warning";
}
