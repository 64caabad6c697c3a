import { existsSync } from "node:fs";
import { basename } from "node:path";
import { InferenceSession } from "onnxruntime-node";
import { errorMessage, invalid, notFound } from "../errors";
import type { ModelSignature, TensorInfo } from "./types";

export interface LoadedModel {
  session: InferenceSession;
  signature: ModelSignature;
}

/** A scorer's intra_op_threads as the engine hands it over (a number; `auto` is resolved by then, else one thread). */
export function threadsOf(setting: number | "auto" | undefined): number {
  return typeof setting === "number" ? setting : 1;
}

export interface LoadModelOptions {
  /** Threads one session.run may use; 1 suits one session per worker process. */
  intraOpNumThreads?: number;
}

/**
 * Opens an ONNX model. A file that is missing, not ONNX, or truncated becomes a user-facing
 * `invalid()` naming the file, instead of the runtime's raw message and stack.
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  if (!existsSync(path)) throw notFound(`model file ${path} does not exist`);
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(path, {
      executionProviders: ["cpu"],
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
    });
  } catch (error) {
    throw invalid(`${basename(path)} is not a valid ONNX model: ${runtimeReason(error)}`);
  }
  return { session, signature: signatureOf(session) };
}

export function signatureOf(session: InferenceSession): ModelSignature {
  return {
    inputs: session.inputMetadata.map(tensorInfo),
    outputs: session.outputMetadata.map(tensorInfo),
  };
}

function tensorInfo(meta: InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, type: "non-tensor", shape: [] };
  return { name: meta.name, type: meta.type, shape: [...meta.shape] };
}

/** The runtime's first line, without its "[ErrorCode:...]" prefix and source locations. */
function runtimeReason(error: unknown): string {
  const first = errorMessage(error).split("\n")[0] ?? "";
  const cleaned = first
    .replace(/^\[[^\]]*\]\s*/, "")
    .replace(/^Load model from \S+ failed:\s*/, "")
    .trim();
  return cleaned || "the runtime could not load it";
}
