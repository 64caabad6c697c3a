import { readdirSync, openAsBlob, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { invalid } from "../../lib/errors";
import type { Remote } from "./connection";

/**
 * `prs pipeline create` against a server: the definition's entry-script folders are uploaded
 * (POST /api/pipelines/{id}/scripts), the definition is rewritten to point at the uploaded
 * copies, drawn as the pipeline's draft and published, as the designer would.
 */

type StepConfig = Record<string, unknown>;

/** Files under `dir` as paths relative to it ('.git' folders skipped). */
function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== ".git") out.push(...filesUnder(dir, rel));
    } else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** The local folder and files a step's script needs, or undefined for a built-in scorer. */
function scriptFolderOf(cfg: StepConfig): { folder: string; files: string[]; entry: string } | undefined {
  const source = (cfg.source_directory ?? cfg.sourceDirectory) as string | undefined;
  const entry = (cfg.entry_script ?? cfg.entryScript) as string | undefined;
  if (!entry) return undefined;
  if (source) {
    if (!statSync(source, { throwIfNoEntry: false })?.isDirectory()) throw invalid(`source_directory '${source}' is not a folder on this machine`);
    return { folder: source, files: filesUnder(source), entry: isAbsolute(entry) ? relative(source, entry) : entry };
  }
  // Without a source_directory only the script itself is sent (what it imports belongs in one).
  if (!statSync(entry, { throwIfNoEntry: false })?.isFile()) throw invalid(`entry_script '${entry}' is not a file on this machine`);
  return { folder: dirname(entry), files: [basename(entry)], entry: basename(entry) };
}

/** Uploads a folder; each part is named `<top>/<path>` so the server strips exactly that top folder. */
async function uploadFolder(remote: Remote, pipelineId: string, folder: string, files: string[]): Promise<string> {
  const form = new FormData();
  for (const file of files) form.append("files", await openAsBlob(join(folder, file)), `scripts/${file}`);
  const uploaded = await remote.api.uploadScripts({ params: { id: pipelineId }, form });
  return uploaded.sourceDirectory;
}

/** The pipeline's id on the server, created (empty) when it does not exist yet. */
async function pipelineId(remote: Remote, name: string, description?: string): Promise<{ id: string; revision: number }> {
  const { pipelines } = await remote.api.listPipelines({ query: { search: name } });
  const found = pipelines.find((p) => p.name === name);
  if (found) return { id: found.id, revision: (await remote.api.getPipeline({ params: { id: found.id } })).revision };
  const created = await remote.api.createPipeline({ body: { name, ...(description ? { description } : {}) } });
  return { id: created.id, revision: created.revision };
}

export async function publishRemote(remote: Remote, definition: unknown): Promise<{ name: string; version: number; created: boolean; uploaded: string[] }> {
  const def = definition as {
    name?: unknown;
    description?: unknown;
    steps?: { name?: string; parallel_run_config?: StepConfig; parallelRunConfig?: StepConfig }[];
  };
  if (typeof def?.name !== "string" || !def.name) throw invalid("the definition has no name");
  const description = typeof def.description === "string" ? def.description : undefined;
  const target = await pipelineId(remote, def.name, description);
  const uploaded: string[] = [];
  for (const step of Array.isArray(def.steps) ? def.steps : []) {
    const cfg = step.parallel_run_config ?? step.parallelRunConfig;
    const script = cfg && typeof cfg === "object" ? scriptFolderOf(cfg) : undefined;
    if (!cfg || !script) continue;
    const sourceDirectory = await uploadFolder(remote, target.id, script.folder, script.files);
    const snake = "entry_script" in cfg || "source_directory" in cfg;
    delete cfg.source_directory;
    delete cfg.sourceDirectory;
    delete cfg.entry_script;
    delete cfg.entryScript;
    cfg[snake ? "source_directory" : "sourceDirectory"] = sourceDirectory;
    cfg[snake ? "entry_script" : "entryScript"] = script.entry;
    uploaded.push(`${step.name ?? "step"}: ${script.files.length} file${script.files.length === 1 ? "" : "s"} from ${script.folder}`);
  }
  const { canvas } = await remote.api.importDefinition({ body: { text: JSON.stringify(def), format: "json" } });
  const saved = await remote.api.saveDraft({
    params: { id: target.id },
    body: { canvas, expectedRevision: target.revision, ...(description ? { description } : {}) },
  });
  const published = await remote.api.publishPipeline({ params: { id: target.id }, body: { expectedRevision: saved.revision } });
  return { name: published.name, version: published.version, created: published.created, uploaded };
}
