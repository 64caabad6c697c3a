import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { invalid } from "../errors";

export interface UploadedFile {
  /** Path relative to the chosen folder, '/' separated (the browser's webkitRelativePath). */
  name: string;
  data: Blob;
}

const MAX_FILES = 500;
const MAX_BYTES = 50 * 1024 * 1024;

/**
 * Stores an uploaded entry-script folder under the data folder, one new folder per upload (runs
 * that used an earlier upload keep it). The common top folder the browser adds is dropped.
 */
export async function storeScriptFolder(dataDir: string, pipelineId: string, files: UploadedFile[]): Promise<{ sourceDirectory: string; files: string[] }> {
  if (files.length === 0) throw invalid("Choose a folder with at least one file (the entry script and what it imports)");
  if (files.length > MAX_FILES) throw invalid(`A script folder holds at most ${MAX_FILES} files; this one has ${files.length}`);
  const total = files.reduce((n, f) => n + f.data.size, 0);
  if (total > MAX_BYTES) throw invalid(`A script folder holds at most 50 MB; this one has ${(total / 1024 / 1024).toFixed(1)} MB`);
  const paths = files.map((f) => f.name.replace(/\\/g, "/").split("/").filter((p) => p && p !== "."));
  for (const p of paths) if (p.length === 0 || p.includes("..")) throw invalid(`File path '${p.join("/")}' is not allowed in a script folder`);
  const top = paths[0]![0];
  const strip = paths.every((p) => p.length > 1 && p[0] === top);
  const relative = paths.map((p) => (strip ? p.slice(1) : p).join("/"));
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const sourceDirectory = join(dataDir, "scripts", pipelineId, stamp);
  for (const [i, f] of files.entries()) {
    const target = join(sourceDirectory, relative[i]!);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, Buffer.from(await f.data.arrayBuffer()));
  }
  return { sourceDirectory, files: relative.sort() };
}
