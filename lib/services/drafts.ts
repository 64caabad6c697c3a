import type { Db } from "../db/client";
import { CanvasGraph, emptyCanvas } from "../contracts/canvas";
import type { DatasetKind, PipelineDraftJson, PipelineSummaryJson } from "../contracts/designer-api";
import { ResourceName } from "../contracts/common";
import { PipelineDefinition } from "../contracts/pipeline";
import { formatIssues } from "../contracts/format";
import { AppError, conflict, invalid, notFound } from "../errors";
import { newId } from "../ids";
import { canvasToDefinition, definitionToCanvas } from "../pipeline/canvas";
import { blockingProblems, designerProblems, type ValidationContext } from "../pipeline/validate";
import { listDatasets } from "./datasets";
import { listDatastores } from "./datastores";
import { listModels } from "./models";
import { deletePipeline, getPipelineVersion, publishPipeline, type PipelineVersionView } from "./pipelines";

/**
 * Pipelines as the designer edits them: a draft canvas with a revision number for optimistic
 * concurrency (a save names the revision it started from; a save over a newer one is refused),
 * and publishing, which turns the draft into an immutable version that runs refer to.
 */
/** The draft as the server holds it; the API sends it as PipelineDraftJson. */
export type PipelineDraftView = Omit<PipelineDraftJson, "updatedAt"> & { updatedAt: Date };

export type PipelineSummary = Omit<PipelineSummaryJson, "updatedAt"> & { updatedAt: Date };

export const draftJson = (draft: PipelineDraftView): PipelineDraftJson => ({ ...draft, updatedAt: draft.updatedAt.toISOString() });
export const summaryJson = (summary: PipelineSummary): PipelineSummaryJson => ({ ...summary, updatedAt: summary.updatedAt.toISOString() });

const checkName = (name: string) => {
  const r = ResourceName.safeParse(name);
  if (!r.success) throw invalid(`Pipeline name '${name}' is not valid: ${r.error.issues[0]?.message ?? "see the naming rules"}`);
  return name;
};

async function assertNameFree(db: Db, name: string, exceptId?: string) {
  const other = await db.pipeline.findUnique({ where: { name } });
  if (other && other.id !== exceptId) throw conflict(`A pipeline named '${name}' already exists: choose another name`);
}

async function row(db: Db, id: string) {
  const p = await db.pipeline.findUnique({
    where: { id },
    include: { versions: { orderBy: { version: "desc" }, take: 1 }, _count: { select: { runs: true } } },
  });
  if (!p) throw notFound(`Pipeline '${id}' does not exist (it may have been deleted)`);
  return p;
}

/** The stored draft, or the latest published version drawn as a canvas, or an empty canvas. */
function canvasOf(p: Awaited<ReturnType<typeof row>>): CanvasGraph {
  if (p.draft) {
    const parsed = CanvasGraph.safeParse(JSON.parse(p.draft));
    if (parsed.success) return parsed.data;
  }
  const latest = p.versions[0];
  if (latest) {
    // Versions were validated when published; parsing gives the canonical (camelCase) form.
    return definitionToCanvas(PipelineDefinition.parse(JSON.parse(latest.definition)));
  }
  return emptyCanvas();
}

function view(p: Awaited<ReturnType<typeof row>>): PipelineDraftView {
  return {
    id: p.id,
    name: p.name,
    description: p.description ?? undefined,
    canvas: canvasOf(p),
    revision: p.draftRevision,
    latestVersion: p.versions[0]?.version ?? 0,
    runs: p._count.runs,
    updatedAt: p.updatedAt,
  };
}

export async function listPipelineSummaries(db: Db, search?: string): Promise<PipelineSummary[]> {
  const term = search?.trim().toLowerCase();
  const rows = await db.pipeline.findMany({
    where: { archivedAt: null },
    orderBy: { name: "asc" },
    include: { versions: { orderBy: { version: "desc" }, take: 1 }, _count: { select: { runs: true } } },
  });
  return rows
    .filter((p) => !term || p.name.toLowerCase().includes(term) || (p.description ?? "").toLowerCase().includes(term))
    .map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description ?? undefined,
      latestVersion: p.versions[0]?.version ?? 0,
      runs: p._count.runs,
      hasDraft: p.draft !== null,
      updatedAt: p.updatedAt,
    }));
}

export async function getPipelineDraft(db: Db, id: string): Promise<PipelineDraftView> {
  return view(await row(db, id));
}

export async function createPipelineDraft(db: Db, input: { name: string; description?: string; canvas?: CanvasGraph }): Promise<PipelineDraftView> {
  checkName(input.name);
  await assertNameFree(db, input.name);
  const id = newId("pl");
  await db.pipeline.create({
    data: { id, name: input.name, description: input.description, draft: JSON.stringify(input.canvas ?? emptyCanvas()), draftRevision: 1 },
  });
  return getPipelineDraft(db, id);
}

/**
 * Saves the draft only if nobody saved since `expectedRevision` (two tabs never overwrite each
 * other silently); the conflict names the revision to reload.
 */
export async function saveDraft(
  db: Db,
  id: string,
  input: { canvas: CanvasGraph; expectedRevision: number; description?: string },
): Promise<{ revision: number; updatedAt: Date }> {
  const canvas = CanvasGraph.safeParse(input.canvas);
  if (!canvas.success) throw invalid(`The canvas is not valid: ${formatIssues(canvas.error, input.canvas)}`);
  const updated = await db.pipeline.updateMany({
    where: { id, draftRevision: input.expectedRevision },
    data: {
      draft: JSON.stringify(canvas.data),
      draftRevision: { increment: 1 },
      ...(input.description !== undefined ? { description: input.description } : {}),
    },
  });
  const current = await db.pipeline.findUnique({ where: { id } });
  if (!current) throw notFound(`Pipeline '${id}' does not exist (it may have been deleted)`);
  if (updated.count === 0) {
    throw new AppError(
      "conflict",
      `This pipeline was saved elsewhere (revision ${current.draftRevision}) after you loaded revision ${input.expectedRevision}: reload to see those changes, or copy your work first`,
      { revision: current.draftRevision },
    );
  }
  return { revision: current.draftRevision, updatedAt: current.updatedAt };
}

export async function renamePipeline(db: Db, id: string, input: { name: string; description?: string }): Promise<PipelineDraftView> {
  checkName(input.name);
  await row(db, id);
  await assertNameFree(db, input.name, id);
  await db.pipeline.update({ where: { id }, data: { name: input.name, ...(input.description !== undefined ? { description: input.description } : {}) } });
  return getPipelineDraft(db, id);
}

/** A new pipeline with a copy of the draft (or latest version); versions and runs stay with the original. */
export async function duplicatePipeline(db: Db, id: string, input: { name: string }): Promise<PipelineDraftView> {
  const source = await getPipelineDraft(db, id);
  return createPipelineDraft(db, { name: input.name, description: source.description, canvas: source.canvas });
}

/** Deletes a pipeline without runs; one with runs is kept so that its run history stays whole. */
export async function deletePipelineById(db: Db, id: string): Promise<{ archived: boolean }> {
  const p = await row(db, id);
  return deletePipeline(db, p.name);
}

/** What the designer's rules need from the registry: dataset kinds, and what is registered at all. */
async function validationContext(db: Db): Promise<ValidationContext> {
  const [datasets, models, datastores] = await Promise.all([listDatasets(db), listModels(db), listDatastores(db)]);
  return {
    datasetKinds: Object.fromEntries(datasets.map((d) => [d.name, d.kind])) as Record<string, DatasetKind>,
    registered: {
      datasets: Object.fromEntries(datasets.map((d) => [d.name, d.version])),
      models: Object.fromEntries(models.map((m) => [m.name, m.version])),
      datastores: datastores.map((d) => d.name),
    },
  };
}

/** The draft as the CLI's definition (what export and publish use); refused while problems remain. */
export async function draftDefinition(db: Db, id: string) {
  const draft = await getPipelineDraft(db, id);
  const meta = { name: draft.name, description: draft.description };
  const problems = blockingProblems(designerProblems(draft.canvas, meta, await validationContext(db)));
  if (problems.length) {
    throw invalid(`Pipeline '${draft.name}' has ${problems.length} problem${problems.length > 1 ? "s" : ""}: ${problems.map((p) => p.message).join("; ")}`, {
      problems,
    });
  }
  return { draft, definition: canvasToDefinition(draft.canvas, meta) };
}

/** Publishes the saved draft as a new immutable version (or returns the latest when unchanged). */
export async function publishDraft(db: Db, id: string, expectedRevision?: number): Promise<PipelineVersionView & { created: boolean }> {
  const { draft, definition } = await draftDefinition(db, id);
  if (expectedRevision !== undefined && expectedRevision !== draft.revision) {
    throw new AppError(
      "conflict",
      `The draft was saved elsewhere (revision ${draft.revision}) after you loaded revision ${expectedRevision}: reload before publishing`,
      { revision: draft.revision },
    );
  }
  return publishPipeline(db, definition);
}

export async function getPublishedVersion(db: Db, id: string, version?: number): Promise<PipelineVersionView> {
  const p = await row(db, id);
  return getPipelineVersion(db, p.name, version);
}
