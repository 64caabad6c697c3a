import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { ScriptFolderJson } from "../contracts/api/designer-routes";

/** Enough for any folder storeScriptFolder accepts (it caps uploads at 500 files). */
const MAX_LISTED_FILES = 500;

/**
 * The entry-script folders uploaded for a pipeline (data folder's scripts/<pipeline id>/<stamp>,
 * written by storeScriptFolder), newest first, with their files: the designer's entry-script picker.
 */
export function listScriptFolders(dataDir: string, pipelineId: string): ScriptFolderJson[] {
  const base = join(dataDir, "scripts", pipelineId);
  let stamps: string[];
  try {
    stamps = readdirSync(base, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
  return stamps
    .map((stamp) => {
      const sourceDirectory = join(base, stamp);
      return { sourceDirectory, uploadedAt: statSync(sourceDirectory).mtime.toISOString(), files: filesUnder(sourceDirectory) };
    })
    .sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt));
}

function filesUnder(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (files.length >= MAX_LISTED_FILES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(root, path).split(sep).join("/"));
    }
  };
  walk(root);
  return files.sort();
}
