import { rm, rmdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Db } from "../db/client";
import { AppError, conflict, notFound } from "../errors";
import { parseVersionedName } from "../contracts/common";
import type { DeleteOutcomeJson } from "../contracts/designer-api";
import { DEFAULT_DATASTORE } from "../catalog/datastores";
import { pipelineUses, runUses, UNFINISHED_RUN_STATUSES, usedByMessage, type PipelineUse, type References, type RunUse } from "./registry-usage";

/**
 * What a delete did. A thing nothing refers to is deleted; one that only finished runs refer to is
 * archived (it leaves the lists and pickers, the runs keep their history).
 */
export type DeleteOutcome = DeleteOutcomeJson;

interface VersionRow {
  id: string;
  version: number;
  createdAt: Date;
  archivedAt: Date | null;
}

interface Uses {
  pipelines: PipelineUse[];
  runs: RunUse[];
}

const unfinished = (r: RunUse) => UNFINISHED_RUN_STATUSES.includes(r.status);

/** The version an unpinned name resolves to: now (latest not archived), or at time `at`. */
function latestVersion(rows: VersionRow[], at?: Date): number | undefined {
  const live = rows.filter((r) => (at ? r.createdAt <= at && (!r.archivedAt || r.archivedAt > at) : !r.archivedAt));
  return live.length ? Math.max(...live.map((r) => r.version)) : undefined;
}

function refersTo(ref: string, name: string, row: VersionRow, rows: VersionRow[], at?: Date): boolean {
  if (ref === `${name}:${row.version}`) return true;
  return ref === name && row.version === latestVersion(rows, at);
}

/** Who uses one version: pipeline versions and unfinished runs block, finished runs archive. */
function usesOfVersion(uses: Uses, pick: (r: References) => string[], name: string, row: VersionRow, rows: VersionRow[]) {
  const now = (refs: References) => pick(refs).some((ref) => refersTo(ref, name, row, rows));
  const then = (refs: References, at: Date) => pick(refs).some((ref) => refersTo(ref, name, row, rows, at));
  return {
    pipelines: uses.pipelines.filter((p) => now(p.refs)),
    unfinished: uses.runs.filter((r) => unfinished(r) && (now(r.refs) || then(r.refs, r.createdAt))),
    finished: uses.runs.some((r) => !unfinished(r) && then(r.refs, r.createdAt)),
  };
}

interface VersionedStore {
  noun: "dataset" | "model";
  pick(refs: References): string[];
  parent(name: string): Promise<{ id: string } | null>;
  versions(parentId: string): Promise<VersionRow[]>;
  /** Deletes or archives the rows in one transaction; deletes the parent when no version is left. */
  apply(parentId: string, remove: VersionRow[], archive: VersionRow[]): Promise<void>;
}

async function deleteVersions(db: Db, store: VersionedStore, ref: string): Promise<DeleteOutcome> {
  const { name, version } = parseVersionedName(ref);
  const Noun = store.noun === "dataset" ? "Dataset" : "Model";
  const parent = await store.parent(name);
  if (!parent) throw notFound(`${Noun} '${name}' is not registered (see \`prs ${store.noun} list\`)`);
  const rows = await store.versions(parent.id);
  const targets = rows.filter((r) => !r.archivedAt && (version === undefined || r.version === version));
  if (targets.length === 0)
    throw notFound(version ? `${Noun} '${name}' has no version ${version} to delete` : `${Noun} '${name}' has no version left to delete`);
  const uses: Uses = { pipelines: await pipelineUses(db), runs: await runUses(db) };
  const refusals: string[] = [];
  const remove: VersionRow[] = [];
  const archive: VersionRow[] = [];
  for (const row of targets) {
    const use = usesOfVersion(uses, store.pick, name, row, rows);
    if (use.pipelines.length || use.unfinished.length) refusals.push(usedByMessage(`${store.noun} '${name}:${row.version}'`, use.pipelines, use.unfinished));
    else (use.finished ? archive : remove).push(row);
  }
  if (refusals.length) throw conflict(refusals.join(". "));
  await store.apply(parent.id, remove, archive);
  return outcome(
    store.noun,
    remove.map((r) => `${name}:${r.version}`),
    archive.map((r) => `${name}:${r.version}`),
  );
}

function outcome(noun: string, deleted: string[], archived: string[]): DeleteOutcome {
  const parts = [
    deleted.length ? `deleted ${noun} ${deleted.map((d) => `'${d}'`).join(", ")}` : "",
    archived.length
      ? `archived ${noun} ${archived.map((d) => `'${d}'`).join(", ")} (finished runs used ${archived.length > 1 ? "them" : "it"}: hidden from lists, their history is kept)`
      : "",
  ];
  return { deleted, archived, message: parts.filter(Boolean).join("; ") };
}

/** `prs dataset delete mnist:2` (one version) or `mnist` (every version). */
export function deleteDataset(db: Db, ref: string): Promise<DeleteOutcome> {
  return deleteVersions(
    db,
    {
      noun: "dataset",
      pick: (r) => r.datasets,
      parent: (name) => db.dataset.findUnique({ where: { name }, select: { id: true } }),
      versions: (id) => db.datasetVersion.findMany({ where: { datasetId: id }, select: { id: true, version: true, createdAt: true, archivedAt: true } }),
      apply: (id, remove, archive) =>
        db.$transaction(async (tx) => {
          await tx.datasetVersion.deleteMany({ where: { id: { in: remove.map((r) => r.id) } } });
          await tx.datasetVersion.updateMany({ where: { id: { in: archive.map((r) => r.id) } }, data: { archivedAt: new Date() } });
          if ((await tx.datasetVersion.count({ where: { datasetId: id } })) === 0) await tx.dataset.delete({ where: { id } });
        }),
    },
    ref,
  );
}

/** `prs model delete mnist:2` (one version) or `mnist` (every version); deleted versions' files go too. */
export function deleteModel(db: Db, ref: string): Promise<DeleteOutcome> {
  return deleteVersions(
    db,
    {
      noun: "model",
      pick: (r) => r.models,
      parent: (name) => db.model.findUnique({ where: { name }, select: { id: true } }),
      versions: (id) => db.modelVersion.findMany({ where: { modelId: id }, select: { id: true, version: true, createdAt: true, archivedAt: true } }),
      apply: async (id, remove, archive) => {
        const files = await db.modelVersion.findMany({ where: { id: { in: remove.map((r) => r.id) } }, select: { version: true, filePath: true } });
        await db.$transaction(async (tx) => {
          await tx.modelVersion.deleteMany({ where: { id: { in: remove.map((r) => r.id) } } });
          await tx.modelVersion.updateMany({ where: { id: { in: archive.map((r) => r.id) } }, data: { archivedAt: new Date() } });
          if ((await tx.modelVersion.count({ where: { modelId: id } })) === 0) await tx.model.delete({ where: { id } });
        });
        for (const f of files) await removeModelFile(f.filePath, f.version);
      },
    },
    ref,
  );
}

/** The stored copy of a deleted version, and its folder when that is left empty. */
async function removeModelFile(filePath: string, version: number): Promise<void> {
  try {
    await rm(filePath, { force: true });
    await rmdir(dirname(filePath)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOTEMPTY" && error.code !== "ENOENT" && error.code !== "EEXIST") throw error;
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new AppError(
      "unavailable",
      `model version ${version} was deleted, but its stored file could not be removed (${code}): remove it from the models folder by hand`,
    );
  }
}

/**
 * Unregisters a datastore (its files or container are left as they are). Refused for the default
 * datastore and while datasets, pipeline versions or unfinished runs use it; archived (renamed
 * `<name>.deleted-<id>`, freeing the name) when finished runs or archived datasets refer to it.
 */
export async function deleteDatastore(db: Db, name: string): Promise<DeleteOutcome> {
  if (name === DEFAULT_DATASTORE)
    throw conflict(`datastore '${name}' is the default datastore (outputs go there unless a step names another) and cannot be deleted`);
  const row = await db.datastore.findUnique({ where: { name } });
  if (!row || row.archivedAt) throw notFound(`Datastore '${name}' is not registered (see \`prs datastore list\`)`);
  const held = await db.datasetVersion.findMany({
    where: { datastoreId: row.id },
    select: { version: true, archivedAt: true, dataset: { select: { name: true } } },
  });
  const live = held.filter((d) => !d.archivedAt).map((d) => `'${d.dataset.name}:${d.version}'`);
  if (live.length) {
    throw conflict(
      `datastore '${name}' holds dataset ${live.slice(0, 5).join(", ")}${live.length > 5 ? ` and ${live.length - 5} more` : ""}; delete ${live.length > 1 ? "those datasets" : "that dataset"} first`,
    );
  }
  const pipelines = (await pipelineUses(db)).filter((p) => p.refs.datastores.includes(name));
  const runs = (await runUses(db)).filter((r) => r.refs.datastores.includes(name));
  const blocking = runs.filter(unfinished);
  if (pipelines.length || blocking.length) throw conflict(usedByMessage(`datastore '${name}'`, pipelines, blocking));
  if (runs.length === 0 && held.length === 0) {
    await db.datastore.delete({ where: { id: row.id } });
    return outcome("datastore", [name], []);
  }
  await db.datastore.update({ where: { id: row.id }, data: { archivedAt: new Date(), name: `${name.slice(0, 45)}.deleted-${row.id.slice(3, 11)}` } });
  return outcome("datastore", [], [name]);
}
