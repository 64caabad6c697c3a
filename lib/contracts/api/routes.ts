import { z } from "zod";
import { CanvasGraph } from "../canvas";
import {
  CreatePipelineRequest,
  DatasetJson,
  DatasetPreviewJson,
  DatasetPreviewRequest,
  DatasetRequest,
  DatastoreJson,
  DeleteOutcomeJson,
  DuplicatePipelineRequest,
  ImportDefinitionRequest,
  ModelJson,
  PipelineDraftJson,
  PipelineSummaryJson,
  PublishRequest,
  RegisterDatastoreRequest,
  RenamePipelineRequest,
  SaveDraftRequest,
  SubmitDraftRequest,
} from "../designer-api";
import { PipelineDefinition } from "../pipeline";
import {
  LogChunk,
  LogFileView,
  OutputPreview,
  RetryFailedJson,
  RunListQuery,
  RunStatusJson,
  RunSummary,
  SubmissionOptions,
  SubmitRunRequest,
  SubmittedRun,
  ValueCounts,
} from "../run-api";
import { RunSnapshot } from "../run-events";
import { intQuery, requiredTextQuery } from "./query";
import { defineRoute } from "./route-def";

/**
 * Every REST route of the server, once: app/api/** handlers are built from these entries
 * (`handle(routes.x, ...)`), the browser and the CLI call them through `createApiClient`, and
 * /api/openapi.json is generated from them. A test checks that this map and app/api agree.
 */

const PipelineId = z.object({ id: z.string().meta({ description: "Pipeline id (pl_…)" }) });
const RunId = z.object({ runId: z.string().meta({ description: "Run id (run_…)" }) });
const RegistryName = z.object({ name: z.string().meta({ description: "Registered name; 'name:N' names one version too" }) });
const VersionQuery = z.object({ version: z.string().optional().meta({ description: "Delete only this version (without it, every version)" }) });
const StepQuery = z.object({ step: z.string().optional().meta({ description: "Step name (default: the last step with an output)" }) });

export const routes = {
  health: defineRoute({
    method: "GET",
    path: "/api/health",
    summary: "Whether the server, its database and the worker pool are up",
    response: z.object({ ok: z.boolean(), database: z.string(), workerPool: z.enum(["alive", "not running"]) }),
  }),

  openapi: defineRoute({
    method: "GET",
    path: "/api/openapi.json",
    summary: "This API as an OpenAPI 3.1 document",
    response: z.record(z.string(), z.unknown()),
  }),
  apiReference: defineRoute({
    method: "GET",
    path: "/api/reference",
    summary: "This API's reference page",
    raw: { contentTypes: ["text/html"], description: "A readable page generated from the OpenAPI document" },
  }),

  listPipelines: defineRoute({
    method: "GET",
    path: "/api/pipelines",
    summary: "Pipelines (not archived), by name",
    query: z.object({ search: z.string().optional() }),
    response: z.object({ pipelines: z.array(PipelineSummaryJson) }),
  }),
  createPipeline: defineRoute({
    method: "POST",
    path: "/api/pipelines",
    summary: "Create a pipeline draft, empty or from a definition",
    body: CreatePipelineRequest,
    response: PipelineDraftJson,
    status: 201,
  }),
  importDefinition: defineRoute({
    method: "POST",
    path: "/api/pipelines/import",
    summary: "Draw a definition file (CLI format) as a canvas; nothing is stored",
    body: ImportDefinitionRequest,
    response: z.object({ definition: PipelineDefinition, canvas: CanvasGraph }),
  }),
  getPipeline: defineRoute({
    method: "GET",
    path: "/api/pipelines/{id}",
    summary: "A pipeline's draft canvas and revision",
    params: PipelineId,
    response: PipelineDraftJson,
  }),
  renamePipeline: defineRoute({
    method: "PATCH",
    path: "/api/pipelines/{id}",
    summary: "Rename a pipeline or change its description",
    params: PipelineId,
    body: RenamePipelineRequest,
    response: PipelineDraftJson,
  }),
  deletePipeline: defineRoute({
    method: "DELETE",
    path: "/api/pipelines/{id}",
    summary: "Delete a pipeline; one with runs is archived",
    params: PipelineId,
    response: z.object({ deleted: z.string(), archived: z.boolean() }),
  }),
  pipelineDefinition: defineRoute({
    method: "GET",
    path: "/api/pipelines/{id}/definition",
    summary: "The pipeline in the CLI's format: the draft, or a published version",
    params: PipelineId,
    query: z.object({
      version: intQuery("version", { min: 1 }),
      format: z.enum(["json", "yaml"], { error: (issue) => `format must be json or yaml, got '${String(issue.input).slice(0, 40)}'` }).optional(),
      download: z.string().optional().meta({ description: "Any value: sent as a file" }),
    }),
    raw: { contentTypes: ["application/json", "application/yaml"], description: "The definition as JSON or YAML text" },
  }),
  saveDraft: defineRoute({
    method: "PUT",
    path: "/api/pipelines/{id}/draft",
    summary: "Save the draft canvas; 409 when another tab saved since expectedRevision",
    params: PipelineId,
    body: SaveDraftRequest,
    response: z.object({ revision: z.number(), updatedAt: z.string() }),
  }),
  duplicatePipeline: defineRoute({
    method: "POST",
    path: "/api/pipelines/{id}/duplicate",
    summary: "Copy a pipeline's draft under a new name",
    params: PipelineId,
    body: DuplicatePipelineRequest,
    response: PipelineDraftJson,
    status: 201,
  }),
  publishPipeline: defineRoute({
    method: "POST",
    path: "/api/pipelines/{id}/publish",
    summary: "Publish the saved draft as an immutable version; 400 lists what blocks it",
    params: PipelineId,
    body: PublishRequest,
    response: z.object({ version: z.number(), versionId: z.string(), created: z.boolean(), name: z.string() }),
  }),
  uploadScripts: defineRoute({
    method: "POST",
    path: "/api/pipelines/{id}/scripts",
    summary: "Upload an entry-script folder (one `files` part per file, named by its relative path)",
    params: PipelineId,
    multipart: { fields: z.object({}), files: { files: "many" } },
    response: z.object({ sourceDirectory: z.string(), files: z.array(z.string()) }),
    status: 201,
  }),
  submitDraft: defineRoute({
    method: "POST",
    path: "/api/pipelines/{id}/submit",
    summary: "Publish the draft (a new version only when it changed) and submit a run of it",
    params: PipelineId,
    body: SubmitDraftRequest,
    response: z.object({ runId: z.string(), version: z.number() }),
    status: 201,
  }),

  listDatastores: defineRoute({
    method: "GET",
    path: "/api/datastores",
    summary: "Registered datastores (secrets never included)",
    response: z.object({ datastores: z.array(DatastoreJson) }),
  }),
  registerDatastore: defineRoute({
    method: "POST",
    path: "/api/datastores",
    summary: "Register a local folder or an Azure Blob container",
    body: RegisterDatastoreRequest,
    response: DatastoreJson,
    status: 201,
  }),
  deleteDatastore: defineRoute({
    method: "DELETE",
    path: "/api/datastores/{name}",
    summary: "Unregister a datastore (its files stay); 409 names who uses it",
    params: z.object({ name: z.string() }),
    response: DeleteOutcomeJson,
  }),

  listDatasets: defineRoute({
    method: "GET",
    path: "/api/datasets",
    summary: "Registered dataset versions",
    response: z.object({ datasets: z.array(DatasetJson) }),
  }),
  registerDataset: defineRoute({
    method: "POST",
    path: "/api/datasets",
    summary: "Register a dataset (a new version of an existing name)",
    body: DatasetRequest,
    response: DatasetJson,
    status: 201,
  }),
  previewDataset: defineRoute({
    method: "POST",
    path: "/api/datasets/preview",
    summary: "What a dataset definition would match, and its first rows",
    body: DatasetPreviewRequest,
    response: DatasetPreviewJson,
  }),
  deleteDataset: defineRoute({
    method: "DELETE",
    path: "/api/datasets/{name}",
    summary: "Delete a dataset or one version; 409 names who uses it",
    params: RegistryName,
    query: VersionQuery,
    response: DeleteOutcomeJson,
  }),

  listModels: defineRoute({
    method: "GET",
    path: "/api/models",
    summary: "Registered model versions with their signatures",
    response: z.object({ models: z.array(ModelJson) }),
  }),
  registerModel: defineRoute({
    method: "POST",
    path: "/api/models",
    summary: "Upload an ONNX model (at most 512 MB); it is loaded once to record its signature",
    multipart: {
      fields: z.object({
        name: z.string(),
        description: z.string().max(2000).optional(),
        tags: z.string().optional().meta({ description: "key=value, one per line or comma-separated" }),
      }),
      files: { file: "one" },
    },
    response: ModelJson,
    status: 201,
  }),
  deleteModel: defineRoute({
    method: "DELETE",
    path: "/api/models/{name}",
    summary: "Delete a model or one version; 409 names who uses it",
    params: RegistryName,
    query: VersionQuery,
    response: DeleteOutcomeJson,
  }),

  listRuns: defineRoute({
    method: "GET",
    path: "/api/runs",
    summary: "Runs, newest first, with their item counts",
    query: RunListQuery,
    response: z.object({ runs: z.array(RunSummary) }),
  }),
  submitRun: defineRoute({
    method: "POST",
    path: "/api/runs",
    summary: "Submit a run of a published pipeline",
    body: SubmitRunRequest,
    response: SubmittedRun,
    status: 201,
  }),
  submissionOptions: defineRoute({
    method: "GET",
    path: "/api/runs/submission",
    summary: "What the submit dialog offers: parameters with defaults, datasets, experiments",
    query: z.object({
      pipeline: requiredTextQuery("pipeline", "Add ?pipeline=<name> to get its submission options", 64),
      version: intQuery("version", { min: 1 }),
    }),
    response: SubmissionOptions,
  }),
  getRun: defineRoute({
    method: "GET",
    path: "/api/runs/{runId}",
    summary: "The run's current state (the snapshot its event stream starts with)",
    params: RunId,
    response: RunSnapshot,
  }),
  deleteRun: defineRoute({
    method: "DELETE",
    path: "/api/runs/{runId}",
    summary: "Delete an ended run with its events, logs and run-scoped outputs",
    params: RunId,
    response: z.object({ deleted: z.string() }),
  }),
  cancelRun: defineRoute({ method: "POST", path: "/api/runs/{runId}/cancel", summary: "Cancel a run", params: RunId, response: RunStatusJson }),
  resumeRun: defineRoute({
    method: "POST",
    path: "/api/runs/{runId}/resume",
    summary: "Run the unfinished and failed mini-batches again",
    params: RunId,
    response: RunStatusJson,
  }),
  retryFailed: defineRoute({
    method: "POST",
    path: "/api/runs/{runId}/retry-failed",
    summary: "Retry only the failed mini-batches of an ended run",
    params: RunId,
    response: RetryFailedJson,
  }),
  runEvents: defineRoute({
    method: "GET",
    path: "/api/runs/{runId}/events",
    summary: "Live events: a snapshot, then every change; Last-Event-ID resumes without gap",
    params: RunId,
    query: z.object({ lastEventId: z.string().optional().meta({ description: "Resume after this event id (as the Last-Event-ID header does)" }) }),
    raw: { contentTypes: ["text/event-stream"], description: "Server-sent events; each data: is a RunStreamEvent (JSON)" },
  }),
  listLogs: defineRoute({
    method: "GET",
    path: "/api/runs/{runId}/logs",
    summary: "The run's log files",
    params: RunId,
    response: z.object({ files: z.array(LogFileView) }),
  }),
  readLog: defineRoute({
    method: "GET",
    path: "/api/runs/{runId}/logs/content",
    summary: "A chunk of one log file, from offset",
    params: RunId,
    query: z.object({
      step: requiredTextQuery("step", "Add ?step=<step>&path=<log file> to read a log file"),
      path: requiredTextQuery("path", "Add ?step=<step>&path=<log file> to read a log file", 1024),
      offset: intQuery("offset", { max: Number.MAX_SAFE_INTEGER }),
    }),
    response: LogChunk,
  }),
  logArchive: defineRoute({
    method: "GET",
    path: "/api/runs/{runId}/logs/archive",
    summary: "All log files of the run as .tar.gz",
    params: RunId,
    raw: { contentTypes: ["application/gzip"], description: "A tar.gz archive, streamed" },
  }),
  downloadOutput: defineRoute({
    method: "GET",
    path: "/api/runs/{runId}/output",
    summary: "A step's append_row output as CSV",
    params: RunId,
    query: StepQuery,
    raw: { contentTypes: ["text/csv"], description: "The output file, streamed" },
  }),
  previewOutput: defineRoute({
    method: "GET",
    path: "/api/runs/{runId}/preview",
    summary: "The first rows of a step's output",
    params: RunId,
    query: StepQuery.extend({
      rows: z
        .string()
        .optional()
        .transform((raw) => Math.min(100, Math.max(1, Number(raw ?? 10) || 10)))
        .meta({ description: "1 to 100 (default 10)" }),
    }),
    response: OutputPreview,
  }),
  valueCounts: defineRoute({
    method: "GET",
    path: "/api/runs/{runId}/value-counts",
    summary: "Counts per value of one output column",
    params: RunId,
    query: StepQuery.extend({ column: z.string().optional().meta({ description: "Default: label or prediction, else the last column" }) }),
    response: ValueCounts,
  }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
