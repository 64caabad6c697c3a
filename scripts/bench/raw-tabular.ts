/**
 * The raw limit for tabular scoring: a plain loop over a byte range of a CSV file (parse, build the
 * float tensor, onnxruntime, write one output row per input row), nothing of the product around it.
 */
import { openSync, readSync, closeSync, fstatSync, writeFileSync } from "node:fs";
import * as ort from "onnxruntime-node";

const [modelPath, csvPath, part, parts, outFile] = process.argv.slice(2) as [string, string, string, string, string];
// The same session options as the product's (lib/onnx/session.ts): one thread each way, full graph optimisation.
const session = await ort.InferenceSession.create(modelPath, {
  executionProviders: ["cpu"],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: "all",
});
const CHUNK = 8192;
const FEATURES = 4;
process.send?.({ type: "ready" });
await new Promise<void>((resolve) => process.once("message", () => resolve()));

const start = performance.now();
// This process's share of the file: whole lines between two byte offsets.
const fd = openSync(csvPath, "r");
const size = fstatSync(fd).size;
const header = (() => {
  const b = Buffer.alloc(256);
  readSync(fd, b, 0, 256, 0);
  return b.toString("utf8").split("\n")[0]!;
})();
const begin = Math.floor((size * Number(part)) / Number(parts));
const end = Math.floor((size * (Number(part) + 1)) / Number(parts));
// A line belongs to the share its first byte lies in: read from the byte before `begin`.
const offset = begin === 0 ? 0 : begin - 1;
const buf = Buffer.alloc(end - offset + 4096);
const got = readSync(fd, buf, 0, buf.length, offset);
closeSync(fd);
const text = buf.toString("latin1", 0, got);
const from = begin === 0 ? header.length + 1 : text.indexOf("\n") + 1;
const last = text.indexOf("\n", end - offset - 1);
const lines = from > last ? [] : text.slice(from, last).split("\n");

const out: string[] = [`${header},score_0,score_1,score_2`];
const input = new Float32Array(CHUNK * FEATURES);
for (let b = 0; b < lines.length; b += CHUNK) {
  const n = Math.min(CHUNK, lines.length - b);
  for (let i = 0; i < n; i++) {
    const cells = lines[b + i]!.split(",");
    for (let k = 0; k < FEATURES; k++) input[i * FEATURES + k] = Number(cells[k + 1]);
  }
  const result = await session.run({ x: new ort.Tensor("float32", input.subarray(0, n * FEATURES), [n, FEATURES]) });
  const scores = result.score!.data as Float32Array;
  for (let i = 0; i < n; i++) out.push(`${lines[b + i]},${scores[i * 3]},${scores[i * 3 + 1]},${scores[i * 3 + 2]}`);
}
writeFileSync(outFile, `${out.join("\n")}\n`);
process.send?.({ type: "done", rows: lines.length, seconds: (performance.now() - start) / 1000 });
process.disconnect?.();
