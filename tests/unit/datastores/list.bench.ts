/**
 * Benchmark: listing speed of the local datastore (a real folder tree) and the azure-blob
 * datastore (a real Azurite). Prints entries/s.
 * Run: npx tsx tests/unit/datastores/list.bench.ts [localFiles] [blobs]
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerClient } from "@azure/storage-blob";
import { mapLimit } from "../../../lib/datastores/concurrency";
import { openDatastore, type Datastore } from "../../../lib/datastores/index";
import { startAzurite } from "../../support/azurite";

const localFiles = Number(process.argv[2] ?? 50_000);
const blobs = Number(process.argv[3] ?? 3_000);

async function timeList(label: string, ds: Datastore, pattern: string): Promise<void> {
  const started = performance.now();
  let n = 0;
  for await (const _ of ds.list(pattern)) n++;
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(34)} ${String(n).padStart(7)} entries in ${seconds.toFixed(3)} s (${Math.round(n / seconds).toLocaleString()} entries/s)`);
}

const root = await mkdtemp(join(tmpdir(), "prs-list-bench-"));
try {
  const dirs = 50;
  for (let d = 0; d < dirs; d++) {
    const dir = join(root, "mnist", `d${String(d).padStart(2, "0")}`);
    await mkdir(dir, { recursive: true });
    await mapLimit(
      Array.from({ length: localFiles / dirs }, (_, i) => i),
      64,
      (i) => writeFile(join(dir, `${String(i).padStart(5, "0")}.png`), "x"),
    );
  }
  const local = openDatastore("local", { root });
  await timeList("local list('mnist/')", local, "mnist/");
  await timeList("local list('mnist/**/*.png')", local, "mnist/**/*.png");
  await timeList("local list('mnist/d07/*.png') (prefix)", local, "mnist/d07/*.png");
} finally {
  await rm(root, { recursive: true, force: true });
}

const azurite = await startAzurite();
try {
  const container = new ContainerClient(azurite.connectionString, "bench");
  await container.create();
  const started = performance.now();
  await mapLimit(
    Array.from({ length: blobs }, (_, i) => i),
    16,
    (i) =>
      container
        .getBlockBlobClient(`mnist/d${String(i % 10)}/${String(i).padStart(6, "0")}.png`)
        .uploadData(Buffer.from("x"))
        .then(() => undefined),
  );
  console.log(`uploaded ${blobs} blobs to Azurite in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const blob = openDatastore("azure-blob", { container: "bench", auth: "connection-string" }, { connectionString: azurite.connectionString });
  await timeList("blob list('mnist/') (5000/page)", blob, "mnist/");
  await timeList("blob list('mnist/**/*.png')", blob, "mnist/**/*.png");
  await timeList("blob list('mnist/d3/*.png') (prefix)", blob, "mnist/d3/*.png");
  const small = openDatastore(
    "azure-blob",
    { container: "bench", auth: "connection-string" },
    { connectionString: azurite.connectionString },
    { pageSize: 100 },
  );
  await timeList("blob list('mnist/') (100/page)", small, "mnist/");
} finally {
  await azurite.stop();
}
