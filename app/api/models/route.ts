import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelJson } from "@/lib/contracts/designer-api";
import { AppError, errorMessage, invalid } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { listModels, registerModel, type ModelVersionView } from "@/lib/services/models";

export const dynamic = "force-dynamic";

const MAX_MODEL_BYTES = 512 * 1024 * 1024;

/** The stored file path stays on the server. */
const json = (m: ModelVersionView): ModelJson => ({ id: m.id, name: m.name, version: m.version, description: m.description, tags: m.tags, sizeBytes: m.sizeBytes, sha256: m.sha256, signature: m.signature, createdAt: m.createdAt.toISOString() });

export const GET = route(async ({ db }) => ({ models: (await listModels(db)).map(json) }));

/** multipart/form-data: name, file (.onnx), description?, tags? ("key=value" per line). */
export const POST = route(async ({ db, env }, req) => {
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw invalid("Send the model as multipart/form-data with fields name and file");
  }
  const name = form.get("name");
  const file = form.get("file");
  if (typeof name !== "string" || !name.trim()) throw invalid("Give the model a name");
  if (!file || typeof file === "string") throw invalid("Choose an ONNX file (.onnx) to upload");
  if (file.size === 0) throw invalid(`The file '${file.name}' is empty`);
  if (file.size > MAX_MODEL_BYTES) throw invalid(`The file '${file.name}' is larger than 512 MB`);
  const tags: Record<string, string> = {};
  for (const line of String(form.get("tags") ?? "").split(/[\n,]/).map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf("=");
    if (eq <= 0) throw invalid(`Tags are key=value, got '${line}'`);
    tags[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  const dir = mkdtempSync(join(tmpdir(), "prs-model-"));
  try {
    const path = join(dir, file.name.endsWith(".onnx") ? file.name.replace(/[^A-Za-z0-9_.-]/g, "_") : "model.onnx");
    writeFileSync(path, Buffer.from(await file.arrayBuffer()));
    const description = form.get("description");
    const view = await registerModel(db, join(env.dataDir, "models"), { name: name.trim(), file: path, description: typeof description === "string" && description ? description : undefined, tags }).catch((error: unknown) => {
      if (error instanceof AppError) throw error;
      throw invalid(`'${file.name}' could not be loaded as an ONNX model: ${errorMessage(error)}`);
    });
    return Response.json(json(view), { status: 201 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
