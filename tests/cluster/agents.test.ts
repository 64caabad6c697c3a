import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Queue } from "bullmq";
import { AgentRegistry } from "../../lib/cluster/registry";
import { type AgentProcess, redisUnavailable } from "../support/cluster";
import { postgresUnavailable } from "../support/context";
import { type ClusterRun, makeClusterRun } from "../support/cluster-run";
import { waitUntil } from "../support/workers";

// Three agents, each a separate `prs agent` process in its own temporary folder, on one Redis
// prefix; PostgreSQL for state, Azurite for inputs and outputs: nothing passes through a shared disk.
const skip = (await redisUnavailable()) || (await postgresUnavailable());
const ITEMS = 40;

const script = (ms: number) => `
export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, ${ms}));
  return batch.map((p) => ({ item: ctx.relativePath(p), agent: process.env.AGENT_MARK ?? "" }));
}`;

describe("agents on BullMQ", { skip }, () => {
  let env: ClusterRun;
  const agent = (processes = 2) => env.agent(processes, 5000);

  before(async () => {
    env = await makeClusterRun(ITEMS);
  });

  after(async () => {
    await env?.cleanup();
  });

  async function runOnPool(name: string, ms: number, during?: (runId: string) => Promise<void>) {
    const runId = await env.submitWith(name, script(ms), { node_count: 3, run_invocation_timeout: 30, run_max_try: 1 });
    const { result, events } = await env.execute(runId, during && (() => during(runId)));
    const step = await env.ctx.db.stepRun.findFirstOrThrow({ where: { runId } });
    const csv = result.status === "completed" ? (await env.blob.read(`results/${name}/parallel_run_step.txt`)).toString("utf8").trimEnd().split("\n") : [];
    return { result, step, csv, events };
  }

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
      const done = await env.ctx.db.stepRun.findFirst({ where: { runId } });
      assert.ok((done?.succeededItems ?? 0) < ITEMS, "the victim was killed mid-run");
    });
    assert.equal(result.status, "completed", result.reason);
    assert.equal(csv[0], "item,agent");
    assert.deepEqual(
      csv.slice(1).map((l) => l.split(",")[0]),
      env.expectedItems,
    );
    assert.equal(step.succeededItems, ITEMS);
    assert.equal(step.failedMiniBatches, 0);
    // The segment objects agents wrote are scratch once merged: none is left in the output datastore.
    const leftovers: string[] = [];
    for await (const entry of env.blob.list("results/agents/.prs-segments/")) leftovers.push(entry.path);
    assert.deepEqual(leftovers, [], "segment objects removed when the step ended");
    // run_max_try is 1: had the lost agent's mini-batches counted as tries, they would have failed.
    assert.equal(step.retries, 0);
    assert.ok(
      events.some((e) => e.type === "step_status" && /waiting for agents: 2 of 3/.test(e.reason ?? "")),
      `the step said it waited for agents: ${JSON.stringify(events.filter((e) => e.type === "step_status"))}`,
    );
  });

  test("cancel removes the step's queued jobs and stops its running ones on the agents", { timeout: 120_000 }, async () => {
    const live = env.agents.filter((a) => a.child.exitCode === null && a.child.signalCode === null);
    assert.ok(live.length > 0, "agents of the first test are still connected");
    const { result, step } = await runOnPool("cancelled", 3000, async (runId) => {
      await waitUntil(
        "a mini-batch to finish",
        async () => ((await env.ctx.db.stepRun.findFirst({ where: { runId } }))?.succeededItems ?? 0) >= 1,
        90_000,
        100,
      );
      await env.ctx.db.pipelineRun.update({ where: { id: runId }, data: { status: "cancelling" } });
    });
    assert.equal(result.status, "cancelled", result.reason);
    assert.ok(step.succeededItems < ITEMS);
    const queue = new Queue(env.cluster.keys.queueName("gpu"), { connection: env.cluster.redis, prefix: env.cluster.prefix });
    const counts = await queue.getJobCounts("waiting", "prioritized", "delayed");
    await queue.close();
    assert.deepEqual(counts, { waiting: 0, prioritized: 0, delayed: 0 }, "no job of the cancelled step is left queued");
    const registry = new AgentRegistry(env.cluster.redis, env.cluster.keys);
    await waitUntil("the agents to stop the step's mini-batches", async () => (await registry.list("gpu")).every((a) => a.current.length === 0), 30_000, 200);
  });
});
