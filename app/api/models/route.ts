import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ModelJson } from "@/lib/contracts/designer-api";
import { routes } from "@/lib/contracts/api/routes";
import { AppError, errorMessage, invalid } from "@/lib/errors";
import { readMultipart, type UploadedPart } from "@/lib/http/body";
import { stampCreatedBy } from "@/lib/auth/audit";
import { handle } from "@/lib/http/route";
import type { ModelVersionView } from "@/lib/catalog/models";
import { listModels, registerModel } from "@/lib/services/models";

export const dynamic = "force-dynamic";

const MAX_MODEL_BYTES = 512 * 1024 * 1024;

/** The stored file path stays on the server. */
const json = (m: ModelVersionView): ModelJson => ({
  id: m.id,
  name: m.name,
  version: m.version,
  description: m.description,
  tags: m.tags,
  sizeBytes: m.sizeBytes,
  sha256: m.sha256,
  signature: m.signature,
  createdAt: m.createdAt.toISOString(),
});

export const GET = handle(routes.listModels, async ({ db }) => ({ models: (await listModels(db)).map(json) }));

function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const line of text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const eq = line.indexOf("=");
    if (eq <= 0) throw invalid(`Tags are key=value, got '${line.slice(0, 100)}'`);
    tags[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return tags;
}

function checkFile(file: UploadedPart | undefined): UploadedPart {
  if (!file?.fileName) throw invalid("Choose an ONNX file (.onnx) to upload");
  if (file.size === 0) throw invalid(`The file '${file.fileName}' is empty`);
  return file;
}

/**
 * multipart/form-data: name, file (.onnx), description?, tags? ("key=value" per line). The file
 * is streamed to a folder under the data folder with the 512 MB limit checked as it arrives.
 */
export const POST = handle(routes.registerModel, async ({ db, env, actor }, _input, req) => {
  mkdirSync(join(env.dataDir, "uploads"), { recursive: true });
  const dir = mkdtempSync(join(env.dataDir, "uploads", "model-"));
  try {
    const form = await readMultipart(req, dir, {
      what: "A model upload",
      maxFiles: 1,
      maxFileBytes: MAX_MODEL_BYTES,
      maxTotalBytes: MAX_MODEL_BYTES,
      maxFields: 10,
    });
    const name = form.fields.get("name")?.trim();
    if (!name) throw invalid("Give the model a name");
    const file = checkFile(form.files.find((f) => f.field === "file"));
    const tags = parseTags(form.fields.get("tags") ?? "");
    const description = form.fields.get("description") || undefined;
    if (description && description.length > 2000) throw invalid(`The description has ${description.length} characters; at most 2000 are allowed`);
    // registerModel keeps the base name of the file it is given: a clean name ending in .onnx.
    const path = join(dir, file.fileName.endsWith(".onnx") ? file.fileName.replace(/[^A-Za-z0-9_.-]/g, "_").slice(-120) : "model.onnx");
    renameSync(file.path, path);
    const view = await registerModel(db, join(env.dataDir, "models"), { name, file: path, description, tags }).catch((error: unknown) => {
      if (error instanceof AppError) throw error;
      throw invalid(`'${file.fileName}' could not be loaded as an ONNX model: ${errorMessage(error)}`);
    });
    await stampCreatedBy(db, actor, { kind: "modelVersion", name: view.name, version: view.version });
    return json(view);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
