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

/** What one progress line shows of a step. */
export interface StepProgress {
  stepName: string;
  status: string;
  totalItems: number;
  succeededItems: number;
  failedItems: number;
  totalMiniBatches: number;
  succeededMiniBatches: number;
  failedMiniBatches: number;
}

/** One step's line: bar, mini-batches, items, failures, items/s, ETA, status. */
export function progressLine(step: StepProgress, rate: number, etaSeconds: number): string {
  const done = step.succeededItems + step.failedItems;
  const finishedBatches = step.succeededMiniBatches + step.failedMiniBatches;
  return `${step.stepName} ${bar(step.totalItems ? done / step.totalItems : 0)} mini-batches ${finishedBatches}/${step.totalMiniBatches}  items ${done}/${step.totalItems}  failed ${step.failedItems}  ${rate.toFixed(0)} items/s  ETA ${duration(etaSeconds)}  [${step.status}]`;
}

/**
 * Draws progress lines on `out`: on a terminal the line is redrawn in place; otherwise a line is
 * printed every few seconds and once more at the end.
 */
export class ProgressPrinter {
  private lastPrint = 0;
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  draw(line: string, final = false): void {
    const now = Date.now();
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (final || now - this.lastPrint > 2000) {
      this.out.write(`${line}\n`);
      this.lastPrint = now;
    }
  }

  end(): void {
    if (this.out.isTTY && this.drawn) this.out.write("\n");
  }
}

/** The step a progress line follows: the one running or planning, else the last. */
export function currentStep<S extends { status: string }>(steps: S[]): S | undefined {
  return steps.find((s) => s.status === "running" || s.status === "planning") ?? steps.at(-1);
}

/**
 * Polls the run in the local database and draws a progress line per step: mini-batches, items,
 * failures, items/s, ETA. (Against a server, cli/remote/watch.ts follows the run's SSE stream.)
 */
export async function watchRun(db: Db, runId: string, out: NodeJS.WriteStream = process.stderr): Promise<RunStatus> {
  const printer = new ProgressPrinter(out);
  const samples: { t: number; done: number }[] = [];
  for (;;) {
    const run = await db.pipelineRun.findUnique({ where: { id: runId }, include: { steps: true } });
    if (!run) return "failed";
    const now = Date.now();
    const step = currentStep(run.steps);
    if (step) {
      const done = step.succeededItems + step.failedItems;
      samples.push({ t: now, done });
      while (samples.length > 1 && now - samples[0]!.t > 5000) samples.shift();
      const first = samples[0]!;
      const rate = now > first.t ? ((done - first.done) * 1000) / (now - first.t) : 0;
      const eta = rate > 0 ? (step.totalItems - done) / rate : Infinity;
      printer.draw(progressLine(step, rate, eta), isTerminalRunStatus(run.status));
    }
    if (isTerminalRunStatus(run.status)) {
      printer.end();
      return run.status;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
