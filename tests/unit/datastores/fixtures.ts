import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A temporary folder with the given files (path -> content); remove() deletes it. */
export async function makeFolder(files: Record<string, string | Buffer>): Promise<{ root: string; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "prs-ds-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The files most tests use: a small MNIST-like tree with a tricky sort order. */
export const sampleTree: Record<string, string> = {
  "mnist/0.png": "zero",
  "mnist/1.png": "one!",
  "mnist/notes.txt": "n",
  "mnist/sub/2.png": "two..",
  "mnist/sub/deeper/3.png": "three",
  "mnist.txt": "sorts before mnist/ in byte order",
  "mnist2/4.png": "four",
  "a b/c.csv": "x,y\n1,2\n",
};
