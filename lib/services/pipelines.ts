import type { Db } from "../db/client";
import { allocatingVersion } from "../db/retry";
import { PipelineDefinition } from "../contracts/pipeline";
import { parseOrThrow } from "../contracts/format";
import { invalid, notFound } from "../errors";
import { newId } from "../ids";
import { graphProblems } from "../pipeline/graph";

export interface PipelineVersionView {
  pipelineId: string;
  versionId: string;
  name: string;
  version: number;
  definition: PipelineDefinition;
  createdAt: Date;
}

/** Validates a definition: schema, then graph rules (references, cycles, parameter bindings). */
export function validateDefinition(input: unknown): PipelineDefinition {
  const def = parseOrThrow(PipelineDefinition, input, "Pipeline definition");
  const problems = graphProblems(def);
  if (problems.length) throw invalid(`Pipeline definition is not valid: ${problems.map((p) => `${p.where}: ${p.message}`).join("; ")}`);
  return def;
}

/**
 * Creates a pipeline, or publishes a new immutable version when the definition changed.
 * Runs refer to versions, so published definitions never change under them.
 */
export async function publishPipeline(db: Db, input: unknown): Promise<PipelineVersionView & { created: boolean }> {
  const def = validateDefinition(input);
  const json = JSON.stringify(def);
  return allocatingVersion(`Pipeline '${def.name}'`, () =>
    db.$transaction(async (tx) => {
      // The upsert's update locks the pipeline row: concurrent publications of a name take turns.
      const pipeline = await tx.pipeline.upsert({
        where: { name: def.name },
        create: { id: newId("pl"), name: def.name, description: def.description },
        update: { name: def.name },
      });
      const last = await tx.pipelineVersion.findFirst({ where: { pipelineId: pipeline.id }, orderBy: { version: "desc" } });
      if (last && last.definition === json) {
        return {
          pipelineId: pipeline.id,
          versionId: last.id,
          name: pipeline.name,
          version: last.version,
          definition: def,
          createdAt: last.createdAt,
          created: false,
        };
      }
      const row = await tx.pipelineVersion.create({
        data: { id: newId("plv"), pipelineId: pipeline.id, version: (last?.version ?? 0) + 1, definition: json },
      });
      return {
        pipelineId: pipeline.id,
        versionId: row.id,
        name: pipeline.name,
        version: row.version,
        definition: def,
        createdAt: row.createdAt,
        created: true,
      };
    }),
  );
}

export async function getPipelineVersion(db: Db, name: string, version?: number): Promise<PipelineVersionView> {
  const pipeline = await db.pipeline.findUnique({ where: { name } });
  if (!pipeline) throw notFound(`Pipeline '${name}' does not exist (see \`prs pipeline list\`)`);
  const row = await db.pipelineVersion.findFirst({ where: { pipelineId: pipeline.id, ...(version ? { version } : {}) }, orderBy: { version: "desc" } });
  if (!row) throw notFound(version ? `Pipeline '${name}' has no version ${version}` : `Pipeline '${name}' has no published version yet`);
  return {
    pipelineId: pipeline.id,
    versionId: row.id,
    name: pipeline.name,
    version: row.version,
    definition: PipelineDefinition.parse(JSON.parse(row.definition)),
    createdAt: row.createdAt,
  };
}

export async function listPipelines(db: Db) {
  const rows = await db.pipeline.findMany({
    where: { archivedAt: null },
    orderBy: { name: "asc" },
    include: { versions: { orderBy: { version: "desc" }, take: 1 }, _count: { select: { runs: true } } },
  });
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    latestVersion: p.versions[0]?.version ?? 0,
    runs: p._count.runs,
    updatedAt: p.updatedAt,
  }));
}

/**
 * Deletes a pipeline. One with runs is archived instead: it leaves the lists and frees its name,
 * and its runs keep their history (they show it as `<name>.deleted-<id>`).
 */
export async function deletePipeline(db: Db, name: string): Promise<{ archived: boolean }> {
  const pipeline = await db.pipeline.findUnique({ where: { name }, include: { _count: { select: { runs: true } } } });
  if (!pipeline || pipeline.archivedAt) throw notFound(`Pipeline '${name}' does not exist`);
  if (pipeline._count.runs === 0) {
    await db.pipeline.delete({ where: { id: pipeline.id } });
    return { archived: false };
  }
  const archivedName = `${name.slice(0, 45)}.deleted-${pipeline.id.slice(3, 11)}`;
  await db.pipeline.update({ where: { id: pipeline.id }, data: { archivedAt: new Date(), name: archivedName } });
  return { archived: true };
}
