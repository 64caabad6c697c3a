import type { Db } from "../lib/db/client";
import { isTerminalRunStatus, type RunStatus } from "../lib/contracts/statuses";

function bar(fraction: number, width = 28): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
}

/**
 * Polls the run and draws a progress line per step: mini-batches, items, failures, items/s, ETA.
 * On a terminal the line is redrawn; otherwise a line is printed every few seconds.
 */
export async function watchRun(db: Db, runId: string, out: NodeJS.WriteStream = process.stderr): Promise<RunStatus> {
  const tty = out.isTTY;
  const samples: { t: number; done: number }[] = [];
  let lastPrint = 0;
  for (;;) {
    const run = await db.pipelineRun.findUnique({ where: { id: runId }, include: { steps: true } });
    if (!run) return "failed";
    const now = Date.now();
    const step = run.steps.find((s) => s.status === "running" || s.status === "planning") ?? run.steps.at(-1);
    if (step) {
      const done = step.succeededItems + step.failedItems;
      samples.push({ t: now, done });
      while (samples.length > 1 && now - samples[0]!.t > 5000) samples.shift();
      const first = samples[0]!;
      const rate = now > first.t ? ((done - first.done) * 1000) / (now - first.t) : 0;
      const eta = rate > 0 ? (step.totalItems - done) / rate : Infinity;
      const finishedBatches = step.succeededMiniBatches + step.failedMiniBatches;
      const line = `${step.stepName} ${bar(step.totalItems ? done / step.totalItems : 0)} mini-batches ${finishedBatches}/${step.totalMiniBatches}  items ${done}/${step.totalItems}  failed ${step.failedItems}  ${rate.toFixed(0)} items/s  ETA ${duration(eta)}  [${step.status}]`;
      if (tty) out.write(`\r\x1b[2K${line}`);
      else if (now - lastPrint > 2000 || isTerminalRunStatus(run.status)) {
        out.write(`${line}\n`);
        lastPrint = now;
      }
    }
    if (isTerminalRunStatus(run.status)) {
      if (tty) out.write("\n");
      return run.status;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
