import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { invalid } from "../errors";

export interface UploadedFile {
  /** Path relative to the chosen folder, '/' separated (the browser's webkitRelativePath). */
  name: string;
  /** Where the upload was written while it arrived. */
  path: string;
}

export const MAX_SCRIPT_FILES = 500;
export const MAX_SCRIPT_BYTES = 50 * 1024 * 1024;
const MAX_PATH = 1024;

/** Each file's path split into safe parts; refuses '..', control characters and names the file system cannot hold. */
function relativeParts(name: string): string[] {
  const parts = name
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p && p !== ".");
  const shown = name.slice(0, 200);
  if (parts.length === 0 || parts.includes("..")) throw invalid(`File path '${shown}' is not allowed in a script folder`);
  if (name.length > MAX_PATH) throw invalid(`File path '${shown}…' is longer than ${MAX_PATH} characters`);
  if (/[\u0000-\u001f]/.test(name)) throw invalid(`File path '${shown}' contains control characters`);
  if (parts.some((p) => Buffer.byteLength(p) > 255)) throw invalid(`File path '${shown}' has a name longer than 255 bytes`);
  return parts;
}

/** A path that is both a file and a folder ("a" and "a/b") cannot be written. */
function checkNoClash(relative: string[]): void {
  const files = new Set(relative);
  for (const path of relative) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      if (files.has(folder)) throw invalid(`'${folder}' is uploaded both as a file and as a folder`);
    }
  }
}

/**
 * Stores an uploaded entry-script folder under the data folder, one new folder per upload (runs
 * that used an earlier upload keep it). The common top folder the browser adds is dropped.
 * Counts and sizes are capped while the upload arrives (lib/http/body.ts).
 */
export async function storeScriptFolder(dataDir: string, pipelineId: string, files: UploadedFile[]): Promise<{ sourceDirectory: string; files: string[] }> {
  if (files.length === 0) throw invalid("Choose a folder with at least one file (the entry script and what it imports)");
  if (files.length > MAX_SCRIPT_FILES) throw invalid(`A script folder holds at most ${MAX_SCRIPT_FILES} files; this one has ${files.length}`);
  const paths = files.map((f) => relativeParts(f.name));
  const top = paths[0]![0];
  const strip = paths.every((p) => p.length > 1 && p[0] === top);
  const relative = paths.map((p) => (strip ? p.slice(1) : p).join("/"));
  checkNoClash(relative);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const sourceDirectory = join(dataDir, "scripts", pipelineId, stamp);
  for (const [i, f] of files.entries()) {
    const target = join(sourceDirectory, relative[i]!);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(f.path, target);
  }
  return { sourceDirectory, files: relative.sort() };
}
