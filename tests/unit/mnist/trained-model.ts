import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { trainMnistModel } from "../../../samples/mnist/model-file";

/** Sources whose change changes the trained bytes: the cache key includes their content. */
const SOURCES = ["samples/mnist/train.ts", "samples/mnist/mlp.ts", "samples/mnist/random.ts", "samples/mnist/onnx-export.ts", "lib/onnx/write.ts"];
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface CachedModel {
  path: string;
  bytes: Uint8Array;
}

export function cachedModelPath(seed: number, epochs: number): string {
  const hash = createHash("sha256");
  for (const file of SOURCES) hash.update(readFileSync(join(ROOT, file)));
  return join(tmpdir(), "prs-test-models", `mnist-mlp-s${seed}-e${epochs}-${hash.digest("hex").slice(0, 12)}.onnx`);
}

export async function storeModel(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, path);
}

/**
 * The MNIST MLP for tests that need a trained model, trained once per source version and kept
 * in the OS temp folder (the training test itself always trains afresh). Test files run in
 * parallel: a lock file makes the others wait for the one that trains.
 */
export async function trainedMnistModel(seed = 1, epochs = 5): Promise<CachedModel> {
  const path = cachedModelPath(seed, epochs);
  const lock = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true });
  while (!existsSync(path)) {
    const handle = await open(lock, "wx").catch(() => undefined);
    if (handle) {
      try {
        if (!existsSync(path)) await storeModel(path, trainMnistModel({ seed, epochs }).onnx);
      } finally {
        await handle.close();
        await rm(lock, { force: true });
      }
    } else if (Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs > 120_000) {
      await rm(lock, { force: true }); // left by a killed process
    } else {
      await sleep(250);
    }
  }
  return { path, bytes: new Uint8Array(await readFile(path)) };
}
