/**
 * The raw limit: the fastest plain loop over the same files (read, decode, onnxruntime in
 * batches of 256, one CSV row per image), with nothing of the product around it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { decodeImage } from "../../lib/image/decode";
import { preprocessInto, type PreprocessSpec } from "../../lib/image/preprocess";

const [modelPath, listFile, outFile] = process.argv.slice(2) as [string, string, string];
const files = readFileSync(listFile, "utf8").split("\n").filter(Boolean);
// The same session options as the product's (lib/onnx/session.ts): one thread each way, full graph optimisation.
const session = await ort.InferenceSession.create(modelPath, {
  executionProviders: ["cpu"],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: "all",
});
const spec: PreprocessSpec = { width: 28, height: 28, color: "grayscale", order: "CHW", scale: 1 / 255 };
const BATCH = 256;
const input = new Float32Array(BATCH * 784);
// Warm, as the product's warm processes are: one batch decoded and inferred before the clock starts.
{
  const first = files.slice(0, BATCH);
  for (let i = 0; i < first.length; i++) preprocessInto(decodeImage(readFileSync(first[i]!), first[i]!), spec, input, i * 784);
  if (first.length > 0)
    await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", input.subarray(0, first.length * 784), [first.length, 1, 28, 28]) });
}
process.send?.({ type: "ready" });
await new Promise<void>((resolve) => process.once("message", () => resolve()));

const start = performance.now();
let out = "file,label,probability\n";
for (let b = 0; b < files.length; b += BATCH) {
  const chunk = files.slice(b, b + BATCH);
  for (let i = 0; i < chunk.length; i++) preprocessInto(decodeImage(readFileSync(chunk[i]!), chunk[i]!), spec, input, i * 784);
  const tensor = new ort.Tensor("float32", input.subarray(0, chunk.length * 784), [chunk.length, 1, 28, 28]);
  const result = await session.run({ [session.inputNames[0]!]: tensor });
  const probs = result[session.outputNames[0]!]!.data as Float32Array;
  for (let i = 0; i < chunk.length; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probs[i * 10 + k]! > probs[i * 10 + best]!) best = k;
    out += `${join(chunk[i]!).split("/").pop()},${best},${probs[i * 10 + best]!.toPrecision(6)}\n`;
  }
}
writeFileSync(outFile, out);
process.send?.({ type: "done", seconds: (performance.now() - start) / 1000 });
process.disconnect?.();
