import type { AuditEventJson } from "../contracts/auth";
import type { Db } from "../db/client";
import { newId } from "../ids";
import type { Actor } from "./identity";

/** Who the CLI working directly on the data folder acts as: whoever owns the files. */
export const LOCAL_CLI_ACTOR = "local CLI";

/** Who did something, as stored on the rows they created (`createdBy`) and in the audit log. */
export const actorName = (actor: Actor | null | undefined): string => actor?.email ?? LOCAL_CLI_ACTOR;

export async function recordAudit(db: Db, actor: Actor | null, event: { action: string; target: string; detail?: string }): Promise<void> {
  await db.auditEvent.create({
    data: {
      id: newId("aud"),
      actorId: actor?.userId ?? null,
      actor: actorName(actor),
      action: event.action,
      target: event.target.slice(0, 500),
      detail: event.detail?.slice(0, 2000) ?? null,
    },
  });
}

/** Newest first, `limit` at a time; `before` (an event id) pages back. */
export async function listAudit(db: Db, options: { limit: number; before?: string; actor?: string }): Promise<AuditEventJson[]> {
  const cursor = options.before ? await db.auditEvent.findUnique({ where: { id: options.before } }) : null;
  const rows = await db.auditEvent.findMany({
    where: { ...(cursor ? { createdAt: { lte: cursor.createdAt }, id: { not: cursor.id } } : {}), ...(options.actor ? { actor: options.actor } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit,
  });
  return rows.map((r) => ({ id: r.id, at: r.createdAt.toISOString(), actor: r.actor, action: r.action, target: r.target, detail: r.detail }));
}

/** What a user created, found by what the API answered: each row records who created it. */
export type Created =
  | { kind: "run"; id: string }
  | { kind: "pipelineVersion"; id: string }
  | { kind: "datastore"; name: string }
  | { kind: "datasetVersion"; name: string; version: number }
  | { kind: "modelVersion"; name: string; version: number };

export async function stampCreatedBy(db: Db, actor: Actor | null, created: Created): Promise<void> {
  const data = { createdBy: actorName(actor) };
  switch (created.kind) {
    case "run":
      await db.pipelineRun.update({ where: { id: created.id }, data });
      return;
    case "pipelineVersion":
      // Only the first publisher: publishing an unchanged draft again returns the same version.
      await db.pipelineVersion.updateMany({ where: { id: created.id, createdBy: null }, data });
      return;
    case "datastore":
      await db.datastore.update({ where: { name: created.name }, data });
      return;
    case "datasetVersion":
      await db.datasetVersion.updateMany({ where: { dataset: { name: created.name }, version: created.version }, data });
      return;
    case "modelVersion":
      await db.modelVersion.updateMany({ where: { model: { name: created.name }, version: created.version }, data });
      return;
  }
}
