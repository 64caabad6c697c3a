/** Plans a synthetic listing of N files in a fresh database; prints time and peak memory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import type { Datastore } from "../../lib/datastores/types";
import { planStep } from "../../lib/engine/plan";
import { syntheticListing } from "../../lib/planning/synthetic";

const count = Number(process.argv[2] ?? 1_000_000);
const filesPerBatch = Number(process.argv[3] ?? 10);
const dir = mkdtempSync(join(tmpdir(), "prs-plan-"));
const url = `file:${join(dir, "plan.db")}`;
await migrate(url);
const db = await createDb(url);
await db.pipeline.create({ data: { id: "pl_bench", name: "bench" } });
await db.pipelineVersion.create({ data: { id: "plv_bench", pipelineId: "pl_bench", version: 1, definition: "{}" } });
await db.pipelineRun.create({
  data: { id: "run_bench", pipelineId: "pl_bench", pipelineVersionId: "plv_bench", experimentName: "bench", parameters: "{}", status: "running", runDir: dir },
});
await db.stepRun.create({ data: { id: "step_bench", runId: "run_bench", stepName: "plan", config: "{}", reuseKey: "", status: "planning", outputDir: dir } });
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const listingOnly = { list: () => syntheticListing(count) } as unknown as Datastore;
const start = performance.now();
const plan = await planStep(
  db,
  "sqlite",
  "step_bench",
  [{ name: "synthetic", kind: "file", datastore: "synthetic", patterns: ["synthetic/"], identity: "synthetic" }],
  () => listingOnly,
  filesPerBatch,
  undefined,
  dir,
);
const seconds = (performance.now() - start) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
const rows = await db.miniBatch.count();
await db.$disconnect();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  JSON.stringify({ files: count, miniBatches: plan.miniBatches, rows, seconds, peakRssMb: peak / 2 ** 20, baselineRssMb: baseline / 2 ** 20 }),
);
