import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ContainerClient } from "@azure/storage-blob";
import { Queue } from "bullmq";
import { AgentRegistry } from "../../lib/cluster/registry";
import { openDatastore } from "../../lib/datastores";
import type { Datastore } from "../../lib/datastores/types";
import { executeRun } from "../../lib/engine/orchestrator";
import { registerDataset } from "../../lib/services/datasets";
import { registerDatastore } from "../../lib/services/datastores";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";
import { startAzurite, type AzuriteHandle } from "../support/azurite";
import { type AgentProcess, makeCluster, redisUnavailable, startAgent, startFileServer } from "../support/cluster";
import { makeEntryScript, makeTestContext, postgresUnavailable, type TestContext } from "../support/context";
import { waitUntil } from "../support/workers";

// Three agents, each a separate `prs agent` process in its own temporary folder, on one Redis
// prefix; PostgreSQL for state, Azurite for inputs and outputs: nothing passes through a shared disk.
const skip = (await redisUnavailable()) || (await postgresUnavailable());
const SECRET = "test-agent-secret-0123456789";
const ITEMS = 40;

const script = (ms: number) => `
export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, ${ms}));
  return batch.map((p) => ({ item: ctx.relativePath(p), agent: process.env.AGENT_MARK ?? "" }));
}`;

describe("agents on BullMQ", { skip }, () => {
  let ctx: TestContext;
  let azurite: AzuriteHandle;
  let cluster: ReturnType<typeof makeCluster>;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let blob: Datastore;
  const agents: AgentProcess[] = [];
  const agent = (processes = 2) => {
    const a = startAgent({ pool: "gpu", server: files.url, prefix: cluster.prefix, secret: SECRET, processes, lockMs: 5000 });
    agents.push(a);
    return a;
  };

  before(async () => {
    [ctx, azurite] = await Promise.all([makeTestContext("postgresql"), startAzurite()]);
    cluster = makeCluster();
    files = await startFileServer(cluster, SECRET);
    const config = { container: "data", auth: "connection-string" as const };
    const secret = { connectionString: azurite.connectionString };
    await new ContainerClient(azurite.connectionString, "data").createIfNotExists();
    await registerDatastore(ctx.db, ctx.access, { name: "blob", kind: "azure-blob", config, secret });
    blob = openDatastore("azure-blob", config, secret);
    for (let i = 0; i < ITEMS; i++) await blob.write(`items/item-${String(i).padStart(3, "0")}.txt`, `value ${i}`);
    await registerDataset(ctx.db, ctx.access, { name: "items", kind: "file", datastore: "blob", paths: ["items/"] });
  });

  after(async () => {
    if (process.env.PRS_TEST_VERBOSE) for (const a of agents) console.error(`--- agent ${a.dir}\n${a.output()}`);
    await Promise.all(agents.map((a) => a.stop()));
    await files?.close();
    await cluster?.cleanup();
    await ctx?.cleanup();
    await azurite?.stop();
  });

  async function runOnPool(name: string, ms: number, during?: (runId: string) => Promise<void>) {
    const entry = makeEntryScript(ctx, `${name}.mjs`, script(ms));
    const pv = await publishPipeline(ctx.db, {
      name,
      steps: [
        {
          name: "score",
          inputs: [{ dataset: "items" }],
          output: { datastore: "blob", path: `results/${name}` },
          parallel_run_config: {
            entry_script: entry,
            mini_batch_size: 1,
            error_threshold: -1,
            output_action: "append_row",
            node_count: 3,
            process_count_per_node: 2,
            run_invocation_timeout: 30,
            run_max_try: 1,
            compute_target: "gpu",
          },
          allow_reuse: false,
        },
      ],
    });
    const run = await submitRun(ctx.db, ctx.env.dataDir, { pipeline: pv.name, parameters: {} });
    const events: { type: string; reason?: string }[] = [];
    const sink = { publish: (e: { type: string; reason?: string }) => void events.push(e) };
    const deps = { db: ctx.db, provider: ctx.provider, access: ctx.access, workerId: "test", flushIntervalMs: 100, cluster, events: sink as never };
    const [result] = await Promise.all([executeRun(deps, run.id), during?.(run.id)]);
    const step = await ctx.db.stepRun.findFirstOrThrow({ where: { runId: run.id } });
    const csv = result.status === "completed" ? (await blob.read(`results/${name}/parallel_run_step.txt`)).toString("utf8").trimEnd().split("\n") : [];
    return { result, step, csv, events };
  }

  const expectedItems = Array.from({ length: ITEMS }, (_, i) => `item-${String(i).padStart(3, "0")}.txt`);

  test("a step on pool 'gpu' waits for its agents, takes an agent that joins mid-run, survives one SIGKILLed (not counted as a try), and writes every item once, in order", {
    timeout: 240_000,
  }, async () => {
    const [first, victim] = [agent(), agent()];
    await waitUntil("two agents to register", () => first.output().includes("in pool") && victim.output().includes("in pool"), 120_000);
    let joined: AgentProcess | undefined;
    const { result, step, csv, events } = await runOnPool("agents", 1500, async (runId) => {
      joined = agent();
      await waitUntil("the joined agent to take work", () => joined!.output().includes("starting processes"), 120_000);
      await waitUntil("the victim to run mini-batches", async () => victim.output().includes("starting processes"), 60_000);
      victim.child.kill("SIGKILL");
      const done = await ctx.db.stepRun.findFirst({ where: { runId } });
      assert.ok((done?.succeededItems ?? 0) < ITEMS, "the victim was killed mid-run");
    });
    assert.equal(result.status, "completed", result.reason);
    assert.equal(csv[0], "item,agent");
    assert.deepEqual(
      csv.slice(1).map((l) => l.split(",")[0]),
      expectedItems,
    );
    assert.equal(step.succeededItems, ITEMS);
    assert.equal(step.failedMiniBatches, 0);
    // The segment objects agents wrote are scratch once merged: none is left in the output datastore.
    const leftovers: string[] = [];
    for await (const entry of blob.list("results/agents/.prs-segments/")) leftovers.push(entry.path);
    assert.deepEqual(leftovers, [], "segment objects removed when the step ended");
    // run_max_try is 1: had the lost agent's mini-batches counted as tries, they would have failed.
    assert.equal(step.retries, 0);
    assert.ok(
      events.some((e) => e.type === "step_status" && /waiting for agents: 2 of 3/.test(e.reason ?? "")),
      `the step said it waited for agents: ${JSON.stringify(events.filter((e) => e.type === "step_status"))}`,
    );
  });

  test("cancel removes the step's queued jobs and stops its running ones on the agents", { timeout: 120_000 }, async () => {
    const live = agents.filter((a) => a.child.exitCode === null && a.child.signalCode === null);
    assert.ok(live.length > 0, "agents of the first test are still connected");
    const { result, step } = await runOnPool("cancelled", 3000, async (runId) => {
      await waitUntil("a mini-batch to finish", async () => ((await ctx.db.stepRun.findFirst({ where: { runId } }))?.succeededItems ?? 0) >= 1, 90_000, 100);
      await ctx.db.pipelineRun.update({ where: { id: runId }, data: { status: "cancelling" } });
    });
    assert.equal(result.status, "cancelled", result.reason);
    assert.ok(step.succeededItems < ITEMS);
    const queue = new Queue(cluster.keys.queueName("gpu"), { connection: cluster.redis, prefix: cluster.prefix });
    const counts = await queue.getJobCounts("waiting", "prioritized", "delayed");
    await queue.close();
    assert.deepEqual(counts, { waiting: 0, prioritized: 0, delayed: 0 }, "no job of the cancelled step is left queued");
    const registry = new AgentRegistry(cluster.redis, cluster.keys);
    await waitUntil("the agents to stop the step's mini-batches", async () => (await registry.list("gpu")).every((a) => a.current.length === 0), 30_000, 200);
  });
});
