import { createHash } from "node:crypto";
import { copyFileSync, createReadStream, existsSync, linkSync, mkdirSync, rmSync, statSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { basename, dirname, join } from "node:path";
import type { Db } from "../db/client";
import { allocatingVersion } from "../db/retry";
import { invalid } from "../errors";
import { newId } from "../ids";
import { inspectModel } from "../onnx/inspect";
import { modelVersionView, resolveModel, type ModelVersionView } from "../catalog/models";

export interface RegisterModelInput {
  name: string;
  file: string;
  description?: string;
  tags?: Record<string, string>;
}

/**
 * Registers an ONNX file as the next version of a model. The file is loaded in onnxruntime first:
 * an invalid file is refused, and the input/output signature is recorded.
 */
export async function registerModel(db: Db, modelsDir: string, input: RegisterModelInput): Promise<ModelVersionView> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(input.name)) {
    throw invalid(`Model name '${input.name}' is not valid: use letters, digits, '-', '_' and '.'`);
  }
  if (!existsSync(input.file) || !statSync(input.file).isFile()) throw invalid(`Model file '${input.file}' does not exist`);
  const signature = await inspectModel(input.file);
  // Hashed as a stream: a model of hundreds of MB is not read into memory a second time.
  const hash = createHash("sha256");
  await pipeline(createReadStream(input.file), hash);
  const sha256 = hash.digest("hex");
  const sizeBytes = statSync(input.file).size;
  // Copied before the transaction, which then only links it into place: no long write lock.
  const staging = join(modelsDir, input.name, `.upload-${newId("mdv")}.onnx`);
  mkdirSync(dirname(staging), { recursive: true });
  copyFileSync(input.file, staging);
  try {
    return await allocatingVersion(`Model '${input.name}'`, () =>
      db.$transaction(async (tx) => {
        // The upsert's update locks the model row: concurrent registrations of a name take turns.
        const model = await tx.model.upsert({ where: { name: input.name }, create: { id: newId("mdl"), name: input.name }, update: { name: input.name } });
        const last = await tx.modelVersion.findFirst({ where: { modelId: model.id }, orderBy: { version: "desc" } });
        const version = (last?.version ?? 0) + 1;
        const filePath = join(modelsDir, input.name, String(version), basename(input.file).endsWith(".onnx") ? basename(input.file) : "model.onnx");
        const row = await tx.modelVersion.create({ data: versionRow(model.id, version, filePath) });
        // A file left by a try that did not commit is replaced.
        mkdirSync(dirname(filePath), { recursive: true });
        rmSync(filePath, { force: true });
        linkSync(staging, filePath);
        return modelVersionView(model.name, row);
      }),
    );
  } finally {
    rmSync(staging, { force: true });
  }

  function versionRow(modelId: string, version: number, filePath: string) {
    return {
      id: newId("mdv"),
      modelId,
      version,
      description: input.description,
      tags: JSON.stringify(input.tags ?? {}),
      filePath,
      sha256,
      sizeBytes,
      signature: JSON.stringify(signature),
    };
  }
}

export async function listModels(db: Db): Promise<ModelVersionView[]> {
  const models = await db.model.findMany({ where: { versions: { some: { archivedAt: null } } }, orderBy: { name: "asc" } });
  return Promise.all(models.map((m) => resolveModel(db, m.name)));
}
