import { loadModel } from "./session";
import type { ModelSignature } from "./types";

export type { ModelSignature, TensorInfo } from "./types";

/** Reads a model's inputs and outputs (names, element types, shapes with symbolic dims). */
export async function inspectModel(path: string): Promise<ModelSignature> {
  const { session, signature } = await loadModel(path);
  await session.release();
  return signature;
}
