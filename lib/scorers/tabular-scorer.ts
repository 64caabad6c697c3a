/**
 * Built-in entry script `onnx-tabular`: rows in, the kept input columns plus the model's
 * outputs out. Settings come from `ctx.settings` (TabularScorerSettings plus modelPath).
 */
import { csvRecordsOf, setCsvRecordsMode } from "../datasets/tabular/csv-records";
import { invalid } from "../errors";
import type { EntryContext, MiniBatch, ResultRow, TabularMiniBatch } from "../sdk/entry-script";
import { handedSettings } from "./handed-settings";
import type { ResolvedTabularScorerSettings } from "./types";
import { TabularScorer } from "./tabular-scorer-core";

let scorer: TabularScorer | undefined;

export async function init(ctx: EntryContext): Promise<void> {
  await scorer?.close();
  scorer = undefined;
  scorer = await TabularScorer.open(handedSettings<ResolvedTabularScorerSettings>("tabular scorer", ctx.settings));
  ctx.logger.info(`tabular scorer: ${scorer.plan.summary}`);
  // This process runs only this scorer: CSV mini-batches may come as records, parsed straight into the tensor.
  setCsvRecordsMode(true);
}

export async function run(miniBatch: MiniBatch, ctx: EntryContext): Promise<ResultRow[]> {
  if (!scorer) throw new Error("tabular scorer: run() was called before init()");
  const records = csvRecordsOf(miniBatch);
  if (records) return scorer.scoreRecords(records, ctx);
  if (!isTabularBatch(miniBatch)) throw invalid("tabular scorer: the input is a file dataset; it takes a tabular dataset (CSV, Parquet, JSON lines)");
  const columns = miniBatch.columns ?? Object.keys(miniBatch[0] ?? {});
  return scorer.score(miniBatch, columns, ctx);
}

export async function shutdown(): Promise<void> {
  setCsvRecordsMode(false);
  await scorer?.close();
  scorer = undefined;
}

function isTabularBatch(batch: MiniBatch): batch is TabularMiniBatch {
  return batch.every((row) => typeof row === "object" && row !== null);
}
