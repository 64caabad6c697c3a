import { Tensor, type InferenceSession } from "onnxruntime-node";
import { type CsvRecords, recordFields, recordRow } from "../datasets/tabular/csv-records";
import { csvField } from "../datasets/tabular/csv-fields";
import { invalid } from "../errors";
import { loadModel, threadsOf } from "../onnx/session";
import type { TabularRow } from "../sdk/entry-script";
import { planTabular, type TabularPlan } from "./tabular-plan";
import { parseRow } from "./tabular-rows";
import { fastNumber, fieldIsCanonical, fieldOutput, float32Text } from "./tabular-text";
import { rowValues, type CellValue } from "./tensor-values";
import type { ResolvedTabularScorerSettings } from "./types";

export interface ScoreContext {
  failItem(item: number | string, reason: string): void;
}

export type ScoredRow = Record<string, CellValue | TabularRow[string]>;

const COMMA = 0x2c;

/** Whether every field of an unquoted record is written back as it is (see fieldIsCanonical). */
function lineIsCanonical(buffer: Uint8Array, bounds: Int32Array, at: number, fields: number): boolean {
  for (let k = 0; k < fields; k++) if (fieldIsCanonical(buffer, bounds[at + k]!, bounds[at + k + 1]! - 1) !== true) return false;
  return true;
}

/** Whether the object path's header would be the kept columns then one column per output value, each name once. */
function headerIsPlain(keep: string[], outputs: { column: string }[], tensors: Tensor[], n: number): boolean {
  const names = [...keep];
  for (let o = 0; o < outputs.length; o++) {
    const per = tensors[o]!.data.length / n;
    if (!(per >= 1) || !Number.isInteger(per)) return false;
    if (per === 1) names.push(outputs[o]!.column);
    else for (let k = 0; k < per; k++) names.push(`${outputs[o]!.column}_${k}`);
  }
  return !names.includes("__proto__") && new Set(names).size === names.length;
}

/** A non-float32 output cell as text, as csvLine writes it. */
function csvCell(value: CellValue): string {
  return csvField(value);
}

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
    this.checkColumns(dataColumns, rows.length);
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

  private checkColumns(dataColumns: string[], count: number): void {
    const absent = this.plan.columns.filter((c) => !dataColumns.includes(c));
    if (absent.length > 0 && count > 0) {
      throw invalid(
        `column${absent.length > 1 ? "s" : ""} ${absent.map((c) => `'${c}'`).join(", ")} not in the data (its columns: ${dataColumns.join(", ")}); fix columns in the scorer settings`,
      );
    }
  }

  /**
   * Scores a CSV slice read as records (no row objects): the feature columns are parsed from the
   * bytes straight into the input tensor, and each output row is the input line (or its kept
   * fields) followed by the outputs, as text. The output is the same as score() gives for the
   * rows as objects: the first row stays an object (its keys are the output's header), and a row
   * whose fields need rewriting (a quoted field, a number written longer than it prints, such as
   * 1.50) gets the same rewriting. A non-numeric cell fails its row alone, naming line and column.
   */
  async scoreRecords(records: CsvRecords, ctx: ScoreContext): Promise<(ScoredRow | string)[]> {
    const { columns, outputs } = this.plan;
    const dataColumns = records.columns;
    this.checkColumns(dataColumns, records.count);
    const { buffer, bounds, quoted, count } = records;
    const width = dataColumns.length + 1;
    const featureCount = columns.length;
    const featureIndex = columns.map((c) => dataColumns.indexOf(c));
    const features = new Float32Array(Math.max(count, 1) * featureCount);
    const good = new Int32Array(count);
    let goodCount = 0;
    rows: for (let r = 0; r < count; r++) {
      const at = goodCount * featureCount;
      const fields = quoted[r] ? recordFields(records, r) : undefined;
      for (let k = 0; k < featureCount; k++) {
        const index = featureIndex[k]!;
        let value: number;
        let text: string | undefined;
        if (fields) {
          const field = fields[index]!;
          text = field.text;
          const trimmed = text.trim();
          value = trimmed === "" ? Number.NaN : Number(trimmed);
        } else {
          const start = bounds[r * width + index]!;
          const end = bounds[r * width + index + 1]! - 1;
          value = fastNumber(buffer, start, end);
          if (Number.isNaN(value)) {
            text = buffer.toString("utf8", start, end);
            const trimmed = text.trim();
            value = trimmed === "" ? Number.NaN : Number(trimmed);
          }
        }
        if (!Number.isFinite(value)) {
          ctx.failItem(
            `row ${records.rows[r]}`,
            `file '${records.path}' line ${records.lines[r]} (row ${records.rows[r]}): column '${columns[k]}' is not a number: '${text ?? ""}'`,
          );
          continue rows;
        }
        features[at + k] = value;
      }
      good[goodCount++] = r;
    }

    const keep = this.keepColumns ?? dataColumns;
    const keepIndex = keep.map((c) => dataColumns.indexOf(c));
    // Rows as text only when the header is exactly the kept columns then the outputs' columns (no
    // name taken twice, none a special key): decided on the first outputs, which tell the values per row.
    let asText: boolean | undefined;
    const wholeLine = records.delimiter === COMMA && keep.length === dataColumns.length && keep.every((c, i) => c === dataColumns[i]);
    const text = records.ascii ? buffer.toString("latin1") : undefined;
    const slice = (start: number, end: number) => (text !== undefined ? text.slice(start, end) : buffer.toString("utf8", start, end));

    const results: (ScoredRow | string)[] = [];
    const parts: string[] = [];
    const chunk = this.plan.fixedBatch ?? Math.max(goodCount, 1);
    for (let start = 0; start < goodCount; start += chunk) {
      const rowsNow = Math.min(chunk, goodCount - start);
      const n = this.plan.fixedBatch ?? rowsNow;
      const input = new Float32Array(n * featureCount);
      input.set(features.subarray(start * featureCount, (start + rowsNow) * featureCount));
      const result = await this.session.run(
        { [this.plan.inputName]: new Tensor("float32", input, [n, featureCount]) },
        outputs.map((o) => o.name),
      );
      const tensors = outputs.map((o) => result[o.name]!);
      asText ??= headerIsPlain(keep, outputs, tensors, n);
      for (let i = 0; i < rowsNow; i++) {
        const r = good[start + i]!;
        if (!asText || quoted[r] || results.length === 0) {
          results.push(this.objectRow(recordRow(records, r), keep, tensors, n, i));
          continue;
        }
        // The row's fields joined once: a flat string (cheap for the writer to scan and copy).
        parts.length = 0;
        const at = r * width;
        if (wholeLine && lineIsCanonical(buffer, bounds, at, dataColumns.length)) parts.push(slice(records.starts[r]!, records.ends[r]!));
        else {
          for (let k = 0; k < keep.length; k++) {
            const index = keepIndex[k]!;
            if (index < 0) {
              parts.push("");
              continue;
            }
            const fs = bounds[at + index]!;
            const fe = bounds[at + index + 1]! - 1;
            const canonical = fieldIsCanonical(buffer, fs, fe) && records.delimiter === COMMA;
            parts.push(canonical ? slice(fs, fe) : fieldOutput(buffer.toString("utf8", fs, fe), false));
          }
        }
        for (let o = 0; o < tensors.length; o++) {
          const tensor = tensors[o]!;
          const per = tensor.data.length / n;
          if (tensor.type === "float32") {
            const values = tensor.data as Float32Array;
            for (let v = i * per; v < (i + 1) * per; v++) parts.push(float32Text(values[v]!));
          } else for (const value of rowValues(tensor, n, i)) parts.push(csvCell(value));
        }
        results.push(parts.join(","));
      }
    }
    return results;
  }

  /** One output row as an object, as score() makes it. */
  private objectRow(source: TabularRow, keep: string[], tensors: Tensor[], n: number, i: number): ScoredRow {
    const out: ScoredRow = {};
    for (const column of keep) out[column] = source[column] ?? null;
    this.plan.outputs.forEach(({ column }, o) => {
      const values = rowValues(tensors[o]!, n, i);
      if (values.length === 1) out[column] = values[0]!;
      else values.forEach((v, k) => (out[`${column}_${k}`] = v));
    });
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
