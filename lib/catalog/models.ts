import { z } from "zod";
import { ModelSignatureJson } from "../contracts/designer-api";
import type { Db } from "../db/client";
import { parseColumn } from "../db/columns";
import { notFound } from "../errors";
import { parseVersionedName } from "../contracts/common";
import type { ModelSignature } from "../onnx/types";

export interface ModelVersionView {
  id: string;
  name: string;
  version: number;
  description?: string;
  tags: Record<string, string>;
  filePath: string;
  sha256: string;
  sizeBytes: number;
  signature: ModelSignature;
  createdAt: Date;
}

type ModelVersionRow = {
  id: string;
  version: number;
  description: string | null;
  tags: string;
  filePath: string;
  sha256: string;
  sizeBytes: number;
  signature: string;
  createdAt: Date;
};

export const modelVersionView = (name: string, row: ModelVersionRow): ModelVersionView => ({
  id: row.id,
  name,
  version: row.version,
  description: row.description ?? undefined,
  tags: parseColumn(z.record(z.string(), z.string()), row.tags, `Tags of model ${name}:${row.version}`),
  filePath: row.filePath,
  sha256: row.sha256,
  sizeBytes: row.sizeBytes,
  signature: parseColumn(ModelSignatureJson, row.signature, `Signature of model ${name}:${row.version}`),
  createdAt: row.createdAt,
});

/** "mnist" (latest) or "mnist:2". */
export async function resolveModel(db: Db, ref: string): Promise<ModelVersionView> {
  const { name, version } = parseVersionedName(ref);
  const model = await db.model.findUnique({ where: { name } });
  if (!model) throw notFound(`Model '${name}' is not registered (see \`prs model list\`)`);
  const row = await db.modelVersion.findFirst({
    where: { modelId: model.id, ...(version ? { version } : { archivedAt: null }) },
    orderBy: { version: "desc" },
  });
  if (!row) throw notFound(version ? `Model '${name}' has no version ${version}` : `Model '${name}' has no version left (all were deleted)`);
  if (row.archivedAt) throw notFound(`Model '${name}:${version}' was deleted (archived: the runs that used it keep their history)`);
  return modelVersionView(model.name, row);
}
