import type { RunStatus } from "../../lib/contracts/statuses";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { DbEventSink } from "../../lib/engine/db-events";
import { executeRun, newWorkerId } from "../../lib/engine/orchestrator";
import { poolIsAlive } from "../../lib/engine/pool-heartbeat";
import { appContext } from "../../lib/server/context";
import { getRun } from "../../lib/services/runs";
import { EXIT, print } from "../exit-codes";
import { watchRun } from "../progress";

/**
 * Watches a run to its end (`--wait`, `prs run wait`); with no worker pool running, executes it in
 * this process. Prints where its logs and outputs are; exits 0, 5 (cancelled) or 1.
 */
export async function runLocallyOrWait(runId: string): Promise<number> {
  const ctx = await appContext();
  let status: RunStatus;
  if (await poolIsAlive(ctx.db)) {
    status = await watchRun(ctx.db, runId);
  } else {
    process.stderr.write("no worker pool is running: executing the run in this process\n");
    const watching = watchRun(ctx.db, runId);
    const events = new DbEventSink(ctx.db);
    await executeRun(
      { db: ctx.db, provider: ctx.provider, access: ctx.access, workerUser: ctx.workerUser, workerId: newWorkerId(), events, leaseMs: ctx.env.leaseMs },
      runId,
    );
    await events.close();
    status = await watching;
  }
  const run = await getRun(ctx.db, runId);
  print(`run ${runId} ${run.status}: ${run.statusReason ?? ""}`);
  for (const step of run.steps) {
    const file = join(run.runDir, step.stepName, "logs", "job_result.txt");
    if (existsSync(file)) print(`  logs: ${dirname(file)}`);
    print(`  output: ${step.outputDir}`);
  }
  return status === "completed" ? EXIT.ok : status === "cancelled" ? EXIT.cancelled : EXIT.failed;
}
