import { Tensor, type InferenceSession } from "onnxruntime-node";
import { invalid } from "../errors";
import { loadModel, threadsOf } from "../onnx/session";
import type { TabularRow } from "../sdk/entry-script";
import { planTabular, type TabularPlan } from "./tabular-plan";
import { parseRow } from "./tabular-rows";
import { rowValues, type CellValue } from "./tensor-values";
import type { ResolvedTabularScorerSettings } from "./types";

export interface ScoreContext {
  failItem(item: number, reason: string): void;
}

export type ScoredRow = Record<string, CellValue | TabularRow[string]>;

/** One session scoring mini-batches of rows: one session.run per mini-batch. */
export class TabularScorer {
  private constructor(
    private readonly session: InferenceSession,
    readonly plan: TabularPlan,
    private readonly keepColumns: string[] | undefined,
  ) {}

  static async open(settings: ResolvedTabularScorerSettings): Promise<TabularScorer> {
    const { session, signature } = await loadModel(settings.modelPath, { intraOpNumThreads: threadsOf(settings.intraOpThreads) });
    try {
      return new TabularScorer(session, planTabular(signature, settings), settings.keepColumns);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** Scores the rows; a row with a missing or non-numeric value is failed alone. */
  async score(rows: TabularRow[], dataColumns: string[], ctx: ScoreContext): Promise<ScoredRow[]> {
    const { columns } = this.plan;
    const absent = columns.filter((c) => !dataColumns.includes(c));
    if (absent.length > 0 && rows.length > 0) {
      throw invalid(
        `column${absent.length > 1 ? "s" : ""} ${absent.map((c) => `'${c}'`).join(", ")} not in the data (its columns: ${dataColumns.join(", ")}); fix columns in the scorer settings`,
      );
    }
    const good: number[] = [];
    const features = new Float32Array(rows.length * columns.length);
    rows.forEach((row, index) => {
      const parsed = parseRow(row, index, columns);
      if (!parsed.ok) return ctx.failItem(index, parsed.reason);
      features.set(parsed.values, good.length * columns.length);
      good.push(index);
    });
    const keep = this.keepColumns ?? dataColumns;
    const results: ScoredRow[] = [];
    const chunk = this.plan.fixedBatch ?? Math.max(good.length, 1);
    for (let start = 0; start < good.length; start += chunk) {
      const count = Math.min(chunk, good.length - start);
      const n = this.plan.fixedBatch ?? count;
      const slice = new Float32Array(n * columns.length);
      slice.set(features.subarray(start * columns.length, (start + count) * columns.length));
      const outputs = await this.session.run(
        { [this.plan.inputName]: new Tensor("float32", slice, [n, columns.length]) },
        this.plan.outputs.map((o) => o.name),
      );
      for (let i = 0; i < count; i++) {
        const source = rows[good[start + i]!]!;
        const out: ScoredRow = {};
        for (const column of keep) out[column] = source[column] ?? null;
        for (const { name, column } of this.plan.outputs) {
          const values = rowValues(outputs[name]!, n, i);
          if (values.length === 1) out[column] = values[0]!;
          else values.forEach((v, k) => (out[`${column}_${k}`] = v));
        }
        results.push(out);
      }
    }
    return results;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
