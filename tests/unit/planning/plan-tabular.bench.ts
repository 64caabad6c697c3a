/**
 * Benchmark: planning and reading a large CSV (quoted fields, embedded newlines) from a local
 * datastore. Prints planning MB/s, reading rows/s and peak memory.
 * Run: npx tsx tests/unit/planning/plan-tabular.bench.ts [megabytes] [miniBatchSize]
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { LocalDatastore } from "../../../lib/datastores/local";
import { formatCsvRow } from "../../../lib/datasets/tabular/csv-fields";
import { readSlice } from "../../../lib/datasets/tabular/read";
import { parseSize } from "../../../lib/pipeline/run-config-rules";
import { planTabular } from "../../../lib/planning/tabular";

const megabytes = Number(process.argv[2] ?? 100);
const miniBatchSize = parseSize(process.argv[3] ?? "1MB");
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const root = await mkdtemp(join(tmpdir(), "prs-tab-bench-"));
try {
  const out = createWriteStream(join(root, "big.csv"));
  out.write(formatCsvRow(["id", "name", "comment", "x", "y"]));
  let written = 0;
  for (let i = 0; written < megabytes * 1024 * 1024; i++) {
    const line = formatCsvRow([i, `name ${i % 977}`, i % 10 === 0 ? `said "hi",\nthen left` : "plain text here", i * 0.5, i % 3 === 0]);
    written += line.length;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  const size = (await stat(join(root, "big.csv"))).size;

  const ds = new LocalDatastore(root);
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const slices = [];
  for await (const slice of planTabular(ds, ds.list("big.csv"), { format: "csv" }, miniBatchSize)) {
    slices.push(slice);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const planSeconds = (performance.now() - started) / 1000;
  const rows = slices.reduce((n, s) => n + s.rowCount, 0);
  console.log(
    `planned ${mb(size)} (${rows.toLocaleString()} rows) into ${slices.length} slices of ~${mb(miniBatchSize)} in ${planSeconds.toFixed(2)} s (${(size / 1024 / 1024 / planSeconds).toFixed(0)} MB/s); peak rss ${mb(peakRss)}`,
  );

  const readStarted = performance.now();
  let read = 0;
  for (const slice of slices.slice(0, 20)) read += (await readSlice(ds, slice, { format: "csv" })).rows.length;
  const readSeconds = (performance.now() - readStarted) / 1000;
  console.log(`read ${read.toLocaleString()} rows from 20 slices in ${readSeconds.toFixed(2)} s (${Math.round(read / readSeconds).toLocaleString()} rows/s)`);
} finally {
  await rm(root, { recursive: true, force: true });
}
