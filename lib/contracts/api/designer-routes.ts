import { z } from "zod";
import { RunStatus } from "../statuses";
import { defineRoute } from "./route-def";

/** What the designer reads about its own pipeline: its runs and its uploaded script folders (spread into `routes`). */

const PipelineId = z.object({ id: z.string().meta({ description: "Pipeline id (pl_…)" }) });

export const PipelineRunJson = z.object({
  id: z.string(),
  pipelineVersion: z.number(),
  experimentName: z.string(),
  status: RunStatus,
  /** Who submitted it (email), or "local CLI"; null for runs from before sign-in existed. */
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  totalItems: z.number(),
  succeededItems: z.number(),
  failedItems: z.number(),
});
export type PipelineRunJson = z.infer<typeof PipelineRunJson>;

export const ScriptFolderJson = z.object({
  /** The folder on the server, as the step's source_directory stores it. */
  sourceDirectory: z.string(),
  uploadedAt: z.string(),
  /** Files in the folder, relative to it, '/' separated. */
  files: z.array(z.string()),
});
export type ScriptFolderJson = z.infer<typeof ScriptFolderJson>;

export const designerRoutes = {
  listPipelineRuns: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/pipelines/{id}/runs",
    summary: "Runs of one pipeline (every version), newest first",
    params: PipelineId,
    response: z.object({ runs: z.array(PipelineRunJson) }),
  }),
  listScriptFolders: defineRoute({
    access: "viewer",
    method: "GET",
    path: "/api/pipelines/{id}/scripts",
    summary: "Entry-script folders uploaded for the pipeline, newest first, with their files",
    params: PipelineId,
    response: z.object({ folders: z.array(ScriptFolderJson) }),
  }),
};
