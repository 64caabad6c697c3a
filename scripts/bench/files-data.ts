/**
 * The data of `npm run bench -- --files N`: N PNG files (copies of the 10,000 MNIST test images
 * under distinct names, 10,000 per folder) in a local folder or an Azurite container, and the
 * streamed check of the run's output (N rows, in input order).
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ContainerClient } from "@azure/storage-blob";

export const FILES_PER_FOLDER = 10_000;

/** The i-th file's name below the set's folder: "p0000/0000000.png" (sorted names = index order). */
export function fileName(i: number, count: number): string {
  const width = Math.max(7, String(count - 1).length);
  const folders = Math.max(4, String(Math.floor((count - 1) / FILES_PER_FOLDER)).length);
  return `p${String(Math.floor(i / FILES_PER_FOLDER)).padStart(folders, "0")}/${String(i).padStart(width, "0")}.png`;
}

/** The set's folder in the datastore ("n1000000/"). */
export function setFolder(count: number): string {
  return `n${count}`;
}

/** The 10,000 MNIST test PNGs as bytes, in name order (0.png .. 9999.png). */
export function loadImages(imagesDir: string): Buffer[] {
  return Array.from({ length: 10_000 }, (_, i) => readFileSync(join(imagesDir, `${i}.png`)));
}

/**
 * Writes N files under `root/n<N>/` unless a marker says a complete set is there (writing is set-up,
 * not measured). Returns the seconds spent writing (0 when reused).
 */
export function ensureLocalFiles(root: string, count: number, images: Buffer[], log: (line: string) => void): number {
  const folder = join(root, setFolder(count));
  const marker = join(root, `${setFolder(count)}.complete`);
  if (existsSync(marker) && readFileSync(marker, "utf8").trim() === String(count)) {
    log(`reusing ${count.toLocaleString("en")} files in ${folder}`);
    return 0;
  }
  rmSync(folder, { recursive: true, force: true });
  const start = performance.now();
  let made = "";
  for (let i = 0; i < count; i++) {
    const name = fileName(i, count);
    const dir = name.slice(0, name.indexOf("/"));
    if (dir !== made) {
      mkdirSync(join(folder, dir), { recursive: true });
      made = dir;
    }
    writeFileSync(join(folder, name), images[i % images.length]!);
    if ((i + 1) % 100_000 === 0) log(`  wrote ${(i + 1).toLocaleString("en")} files`);
  }
  writeFileSync(marker, String(count));
  const seconds = (performance.now() - start) / 1000;
  log(`wrote ${count.toLocaleString("en")} files in ${folder} in ${seconds.toFixed(1)} s`);
  return seconds;
}

/**
 * Reads every file once so that the run reads from the page cache, as the 60,000-image section's
 * files are (the first read of a million distinct files goes to the disk: about 30,000 files/s
 * here, against 135,000/s from memory). Returns the seconds it took.
 */
export function warmLocalFiles(root: string, count: number, log: (line: string) => void): number {
  const folder = join(root, setFolder(count));
  const start = performance.now();
  for (let i = 0; i < count; i++) readFileSync(join(folder, fileName(i, count)));
  const seconds = (performance.now() - start) / 1000;
  log(`read the ${count.toLocaleString("en")} files once (page cache) in ${seconds.toFixed(1)} s`);
  return seconds;
}

/** Uploads N blobs as `n<N>/<name>` into the container (created if missing), `parallel` at a time. */
export async function uploadBlobs(container: ContainerClient, count: number, images: Buffer[], log: (line: string) => void, parallel = 64): Promise<number> {
  await container.createIfNotExists();
  const start = performance.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const image = images[i % images.length]!;
      await container.getBlockBlobClient(`${setFolder(count)}/${fileName(i, count)}`).uploadData(image, { blobHTTPHeaders: { blobContentType: "image/png" } });
      if (++done % 10_000 === 0) log(`  uploaded ${done.toLocaleString("en")} blobs`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const seconds = (performance.now() - start) / 1000;
  log(`uploaded ${count.toLocaleString("en")} blobs to Azurite in ${seconds.toFixed(1)} s`);
  return seconds;
}

/** The first CSV field of a line (quoted or not). */
function firstField(line: string): string {
  if (!line.startsWith('"')) {
    const comma = line.indexOf(",");
    return comma < 0 ? line : line.slice(0, comma);
  }
  let out = "";
  for (let i = 1; i < line.length; i++) {
    if (line[i] === '"') {
      if (line[i + 1] === '"') {
        out += '"';
        i++;
      } else break;
    } else out += line[i];
  }
  return out;
}

export interface OutputCheck {
  rows: number;
  /** The first row whose file is not the expected one, or undefined when all are in input order. */
  firstOutOfOrder?: { row: number; expected: string; found: string };
}

/**
 * Streams the output (header line, then one row per file) and checks that row i names file i:
 * `expected(i)` is the name the row's first field must end with. Never holds the file in memory.
 */
export async function checkOutput(path: string, expected: (i: number) => string): Promise<OutputCheck> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let row = -1;
  let firstOutOfOrder: OutputCheck["firstOutOfOrder"];
  for await (const line of lines) {
    if (row++ < 0 || line === "") continue;
    if (firstOutOfOrder) continue;
    const found = firstField(line);
    const want = expected(row - 1);
    if (!found.endsWith(want)) firstOutOfOrder = { row: row - 1, expected: want, found };
  }
  return { rows: Math.max(0, row), firstOutOfOrder };
}
