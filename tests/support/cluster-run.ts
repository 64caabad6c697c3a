import { ContainerClient } from "@azure/storage-blob";
import { openDatastore } from "../../lib/datastores";
import type { Datastore } from "../../lib/datastores/types";
import { executeRun } from "../../lib/engine/orchestrator";
import { registerDataset } from "../../lib/services/datasets";
import { registerDatastore } from "../../lib/services/datastores";
import { publishPipeline } from "../../lib/services/pipelines";
import { submitRun } from "../../lib/services/runs";
import { type AzuriteHandle, startAzurite } from "./azurite";
import { type AgentProcess, makeCluster, REDIS_URL, startAgent, startFileServer } from "./cluster";
import { makeEntryScript, makeTestContext, type TestContext } from "./context";

export const AGENT_SECRET = "test-agent-secret-0123456789";

/** An entry script taking `ms` per mini-batch, one row per item. */
const script = (ms: number) => `
export async function run(batch, ctx) {
  await new Promise((r) => setTimeout(r, ${ms}));
  return batch.map((p) => ({ item: ctx.relativePath(p), pid: process.pid }));
}`;

export type RunEvent = { type: string; status?: string; reason?: string };

/**
 * A multi-machine setting for failure tests: PostgreSQL, Azurite holding `items` text files, one
 * Redis prefix (on `redisUrl`), the studio's agent file route, and `prs agent` processes.
 */
export async function makeClusterRun(items: number, redisUrl = REDIS_URL) {
  const [ctx, azurite]: [TestContext, AzuriteHandle] = await Promise.all([makeTestContext("postgresql"), startAzurite()]);
  const cluster = makeCluster(redisUrl);
  const files = await startFileServer(cluster, AGENT_SECRET);
  const config = { container: "data", auth: "connection-string" as const };
  const secret = { connectionString: azurite.connectionString };
  await new ContainerClient(azurite.connectionString, "data").createIfNotExists();
  await registerDatastore(ctx.db, ctx.access, { name: "blob", kind: "azure-blob", config, secret });
  const blob: Datastore = openDatastore("azure-blob", config, secret);
  await Promise.all(Array.from({ length: items }, (_, i) => blob.write(`items/item-${String(i).padStart(3, "0")}.txt`, `value ${i}`)));
  await registerDataset(ctx.db, ctx.access, { name: "items", kind: "file", datastore: "blob", paths: ["items/"] });
  const agents: AgentProcess[] = [];

  /**
   * Publishes a one-step pipeline over the `items` dataset running entry script `code` on an agent
   * pool ('gpu' unless `config.compute_target` says otherwise; mini_batch_size 1, two processes,
   * output to results/<name>), `config` over those settings, and submits a run of it.
   */
  async function submitWith(name: string, code: string, config: Record<string, unknown>): Promise<string> {
    const entry = makeEntryScript(ctx, `${name}.mjs`, code);
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
            process_count_per_node: 2,
            compute_target: "gpu",
            ...config,
          },
          allow_reuse: false,
        },
      ],
    });
    return (await submitRun(ctx.db, ctx.env.dataDir, { pipeline: pv.name, parameters: {} })).id;
  }

  return {
    ctx,
    cluster,
    blob,
    agents,
    expectedItems: Array.from({ length: items }, (_, i) => `item-${String(i).padStart(3, "0")}.txt`),

    agent(processes = 2, lockMs = 4000, pool = "gpu"): AgentProcess {
      const a = startAgent({ pool, server: files.url, prefix: cluster.prefix, secret: AGENT_SECRET, processes, lockMs, redisUrl: cluster.url });
      agents.push(a);
      return a;
    },

    /** Publishes a one-step pipeline on pool 'gpu' (run_max_try 1) whose script waits `ms` per mini-batch, and submits a run of it. */
    submit: (name: string, ms: number): Promise<string> => submitWith(name, script(ms), { node_count: 2, run_invocation_timeout: 60, run_max_try: 1 }),
    submitWith,

    /** Executes a run in this process (the orchestrator), with `during` alongside it. */
    async execute(runId: string, during?: (seen: { events: RunEvent[]; log: string[] }) => Promise<void>) {
      const events: RunEvent[] = [];
      const log: string[] = [];
      const sink = { publish: (e: RunEvent) => void events.push(e) };
      const deps = {
        db: ctx.db,
        provider: ctx.provider,
        access: ctx.access,
        workerId: "test",
        flushIntervalMs: 100,
        cluster,
        events: sink as never,
        log: (line: string) => void log.push(line),
      };
      const [result] = await Promise.all([executeRun(deps, runId), during?.({ events, log })]);
      return { result, events, log };
    },

    /** The first column of the step's output file, without its header. */
    async outputItems(name: string): Promise<string[]> {
      const lines = (await blob.read(`results/${name}/parallel_run_step.txt`)).toString("utf8").trimEnd().split("\n");
      return lines.slice(1).map((l) => l.split(",")[0] ?? "");
    },

    succeededItems: async (runId: string) => (await ctx.db.stepRun.findFirst({ where: { runId } }))?.succeededItems ?? 0,

    async cleanup() {
      if (process.env.PRS_TEST_VERBOSE) for (const a of agents) console.error(`--- agent ${a.dir}\n${a.output()}`);
      await Promise.all(agents.map((a) => a.stop()));
      await files.close();
      await cluster.cleanup().catch(() => {});
      await ctx.cleanup();
      await azurite.stop();
    },
  };
}

export type ClusterRun = Awaited<ReturnType<typeof makeClusterRun>>;
