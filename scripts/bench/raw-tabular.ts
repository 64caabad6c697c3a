/**
 * The raw limit for tabular scoring: a plain loop over a byte range of a CSV file (parse, build the
 * float tensor, onnxruntime, write one output row per input row), nothing of the product around it.
 * It writes the same bytes as the product (input fields as the product writes them back, scores
 * as shortest float32 text) with the fastest way known for each: numbers parsed from the bytes
 * straight into the tensor, the input line copied when it needs no rewriting.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { fastNumber, fieldIsCanonical, fieldOutput, float32Text } from "../../lib/scorers/tabular-text";

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
const FIELDS = FEATURES + 1;
const input = new Float32Array(CHUNK * FEATURES);
const bounds = new Int32Array(CHUNK * (FIELDS + 1));

/**
 * Scores whole lines [from, stop) of buf (text: its latin1 decoding) CHUNK at a time, handing
 * each chunk's output lines to `write`; returns the row count.
 */
async function score(buf: Buffer, text: string, from: number, stop: number, write: (lines: string[]) => void): Promise<number> {
  let rows = 0;
  let pos = from;
  while (pos < stop) {
    // Up to CHUNK lines: field boundaries, features into the tensor.
    let n = 0;
    while (n < CHUNK && pos < stop) {
      let lineEnd = buf.indexOf(10, pos);
      if (lineEnd < 0 || lineEnd > stop) lineEnd = stop;
      const at = n * (FIELDS + 1);
      bounds[at] = pos;
      let field = 1;
      for (let i = pos; i < lineEnd; i++) if (buf[i] === 44) bounds[at + field++] = i + 1;
      bounds[at + FIELDS] = lineEnd + 1;
      for (let k = 0; k < FEATURES; k++) input[n * FEATURES + k] = fastNumber(buf, bounds[at + k + 1]!, bounds[at + k + 2]! - 1);
      n++;
      pos = lineEnd + 1;
    }
    const result = await session.run({ x: new ort.Tensor("float32", input.subarray(0, n * FEATURES), [n, FEATURES]) });
    const scores = result.score!.data as Float32Array;
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const at = i * (FIELDS + 1);
      let canonical = true;
      for (let k = 0; k < FIELDS && canonical; k++) canonical = fieldIsCanonical(buf, bounds[at + k]!, bounds[at + k + 1]! - 1) === true;
      let line = "";
      if (canonical) line = text.slice(bounds[at]!, bounds[at + FIELDS]! - 1);
      else
        for (let k = 0; k < FIELDS; k++) {
          const s = bounds[at + k]!;
          const e = bounds[at + k + 1]! - 1;
          line += (k ? "," : "") + (fieldIsCanonical(buf, s, e) ? text.slice(s, e) : fieldOutput(text.slice(s, e), false));
        }
      out.push(`${line},${float32Text(scores[i * 3]!)},${float32Text(scores[i * 3 + 1]!)},${float32Text(scores[i * 3 + 2]!)}`);
    }
    write(out);
    rows += n;
  }
  return rows;
}

// Warm, as the product's warm processes are: the first 64 KB of rows scored before the clock starts.
{
  const fd = openSync(csvPath, "r");
  const head = Buffer.alloc(64 * 1024);
  const got = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const from = head.indexOf(10) + 1;
  const stop = head.lastIndexOf(10, got - 1) + 1;
  if (from > 0 && stop > from) await score(head, head.toString("latin1", 0, got), from, stop, () => {});
}
process.send?.({ type: "ready" });
await new Promise<void>((resolve) => process.once("message", () => resolve()));

const start = performance.now();
// This process's share of the file: whole lines between two byte offsets.
const fd = openSync(csvPath, "r");
const size = fstatSync(fd).size;
const head = Buffer.alloc(256);
readSync(fd, head, 0, 256, 0);
const headerEnd = head.indexOf(10);
const header = head.toString("latin1", 0, headerEnd);
const begin = Math.floor((size * Number(part)) / Number(parts));
const end = Math.floor((size * (Number(part) + 1)) / Number(parts));
// A line belongs to the share its first byte lies in: read from the byte before `begin`.
const offset = begin === 0 ? 0 : begin - 1;
const buf = Buffer.alloc(Math.min(size, end + 4096) - offset);
const got = readSync(fd, buf, 0, buf.length, offset);
closeSync(fd);
const text = buf.toString("latin1", 0, got);
const from = begin === 0 ? headerEnd + 1 : buf.indexOf(10) + 1;
const stop = end >= size ? got : buf.indexOf(10, end - offset - 1) + 1;

// Written as it goes, one block per CHUNK rows (holding every line to the end costs more in garbage collection).
const out = openSync(outFile, "w");
writeSync(out, `${header},score_0,score_1,score_2\n`);
const rows = await score(buf, text, from, stop, (lines) => writeSync(out, `${lines.join("\n")}\n`));
closeSync(out);
process.send?.({ type: "done", rows, seconds: (performance.now() - start) / 1000 });
process.disconnect?.();
