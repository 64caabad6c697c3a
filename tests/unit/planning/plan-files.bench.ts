/**
 * Benchmark: planning a FileDataset of 1,000,000 files (synthetic listing, no disk) into
 * mini-batches. Prints time, throughput and memory samples; memory should stay flat.
 * Run: npx tsx tests/unit/planning/plan-files.bench.ts [count] [filesPerBatch]
 */
import { planFiles } from "../../../lib/planning/files";
import { syntheticListing } from "../../../lib/planning/synthetic";

const count = Number(process.argv[2] ?? 1_000_000);
const filesPerBatch = Number(process.argv[3] ?? 10);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

global.gc?.();
const before = process.memoryUsage();
let peakRss = before.rss;
let peakHeap = before.heapUsed;
const samples: string[] = [];
const started = performance.now();
let batches = 0;
let files = 0;
const sampleEvery = Math.max(1, Math.round(count / filesPerBatch / 10));
for await (const batch of planFiles(syntheticListing(count), filesPerBatch)) {
  batches++;
  files += batch.length;
  if (batches % 1000 === 0) {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    if (batches % sampleEvery === 0) samples.push(`${files}: heap ${mb(m.heapUsed)}`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `planned ${files.toLocaleString()} files into ${batches.toLocaleString()} mini-batches of ${filesPerBatch} in ${seconds.toFixed(2)} s (${Math.round(files / seconds).toLocaleString()} files/s)`,
);
console.log(`memory: rss ${mb(before.rss)} -> peak ${mb(peakRss)}; heap ${mb(before.heapUsed)} -> peak ${mb(peakHeap)}`);
console.log(`heap samples: ${samples.join(", ")}`);
