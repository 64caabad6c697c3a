import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DatastoreAccess, openNamedDatastore } from "../catalog/datastores";
import type { Db } from "../db/client";
import { notFound } from "../errors";
import { decodeImage } from "../image/decode";
import { encodePng } from "../image/png-encode";
import { thumbnail } from "../image/thumbnail";

/**
 * Thumbnails of a run's input images for the results gallery: the image is found through the
 * step's planned mini-batches (the output's first column is the item's name relative to its
 * input's root), read from its datastore, reduced, and kept in the run's folder
 * (`thumbnails/<step>/`, deleted with the run) so the next view is one file read.
 */

export const THUMBNAIL_SIZE = 96;

interface FileItems {
  kind: "files";
  datastore: string;
  root: string;
  names: string[];
}

export async function runThumbnail(db: Db, access: DatastoreAccess, runId: string, stepName: string, file: string): Promise<Uint8Array> {
  const run = await db.pipelineRun.findUnique({ where: { id: runId }, select: { runDir: true } });
  if (!run) throw notFound(`Run '${runId}' not found: it may have been deleted`);
  const dir = join(run.runDir, "thumbnails", stepName.replace(/[^A-Za-z0-9_-]/g, "_"));
  const cached = join(dir, `${createHash("sha256").update(file).digest("hex").slice(0, 32)}.png`);
  if (existsSync(cached)) return readFileSync(cached);
  const step = await db.stepRun.findUnique({ where: { runId_stepName: { runId, stepName } }, select: { id: true, reusedFromStepId: true } });
  if (!step) throw notFound(`Run ${runId} has no step '${stepName}'`);
  const quoted = JSON.stringify(file);
  // A reused step planned nothing itself: its items are the mini-batches of the step it copied,
  // which may itself be a reuse (follow the chain, guarding against a cycle).
  let stepRunId = step.id;
  let reusedFrom = step.reusedFromStepId;
  for (let hops = 0; reusedFrom && hops < 100; hops++) {
    stepRunId = reusedFrom;
    reusedFrom = (await db.stepRun.findUnique({ where: { id: reusedFrom }, select: { reusedFromStepId: true } }))?.reusedFromStepId ?? null;
  }
  const rows = await db.miniBatch.findMany({ where: { stepRunId, items: { contains: quoted } }, select: { items: true }, take: 5 });
  const items = rows.map((r) => JSON.parse(r.items) as FileItems).find((i) => i.kind === "files" && i.names.includes(file));
  if (!items) throw notFound(`'${file}' is not an input item of step '${stepName}' of run ${runId}`);
  const { ds } = await openNamedDatastore(db, access, items.datastore);
  const path = `${items.root}${file}`;
  const image = thumbnail(decodeImage(await ds.read(path), path), THUMBNAIL_SIZE);
  const png = encodePng(image);
  mkdirSync(dir, { recursive: true });
  const partial = `${cached}.${process.pid}.partial`;
  writeFileSync(partial, png);
  renameSync(partial, cached);
  return png;
}
