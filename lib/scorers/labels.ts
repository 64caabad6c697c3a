import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { errorMessage, invalid } from "../errors";

/** Class labels from a text file, one per line in output order; trailing blank lines ignored. */
export function readLabelsFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw invalid(`labels file ${basename(path)} cannot be read: ${errorMessage(error)}`);
  }
  const labels = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .map((line) => line.trim());
  while (labels.length > 0 && labels[labels.length - 1] === "") labels.pop();
  if (labels.length === 0) throw invalid(`labels file ${basename(path)} is empty: write one class label per line`);
  return labels;
}
