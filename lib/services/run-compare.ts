import { RunParameters } from "../contracts/run-events";
import type { RunComparisonJson, StepFigures } from "../contracts/run-insights";
import type { StepStatus } from "../contracts/statuses";
import { StoredStepOutput } from "../contracts/parallel-run-config";
import type { Db } from "../db/client";
import { parseColumn } from "../db/columns";
import { errorMessage, invalid } from "../errors";
import { outputByKey } from "./output-table";
import { getRun } from "./runs";

/**
 * Two runs of one pipeline side by side: parameters, per-step durations and throughput, and for
 * an append_row step the rows whose values changed, keyed by the output's first column.
 */

export const MAX_CHANGED_SHOWN = 500;

type RunRow = Awaited<ReturnType<typeof getRun>>;

const seconds = (start: Date | null, end: Date | null) => (start && end ? (end.getTime() - start.getTime()) / 1000 : undefined);

function figures(step: RunRow["steps"][number]): StepFigures {
  const s = seconds(step.startedAt, step.endedAt);
  const items = step.succeededItems + step.failedItems;
  return {
    status: step.status as StepStatus,
    ...(s !== undefined ? { seconds: s } : {}),
    items,
    failedItems: step.failedItems,
    ...(s !== undefined && s > 0 && step.status !== "reused" ? { itemsPerSecond: items / s } : {}),
  };
}

const shown = (v: unknown) => (v === undefined ? undefined : String(v));

/** Rows of b that differ from a (or exist in one only), keyed by the first column; the pure part of compareRuns. */
export function changedRows(a: Map<string, string[]>, b: Map<string, string[]>) {
  const changed: { key: string; a?: string[]; b?: string[] }[] = [];
  for (const [key, rowA] of a) {
    const rowB = b.get(key);
    if (!rowB || rowB.join("\u0000") !== rowA.join("\u0000")) changed.push({ key, a: rowA, ...(rowB ? { b: rowB } : {}) });
  }
  for (const [key, rowB] of b) if (!a.has(key)) changed.push({ key, b: rowB });
  return changed.sort((x, y) => x.key.localeCompare(y.key, undefined, { numeric: true }));
}

export async function compareRuns(db: Db, aId: string, bId: string, stepName?: string, limit = MAX_CHANGED_SHOWN): Promise<RunComparisonJson> {
  const [a, b] = await Promise.all([getRun(db, aId), getRun(db, bId)]);
  if (a.pipelineId !== b.pipelineId)
    throw invalid(`Runs ${aId} (${a.pipeline.name}) and ${bId} (${b.pipeline.name}) belong to different pipelines; compare two runs of one pipeline`);
  const paramsA = parseColumn(RunParameters, a.parameters, `Parameters of run ${aId}`);
  const paramsB = parseColumn(RunParameters, b.parameters, `Parameters of run ${bId}`);
  const names = [...new Set([...Object.keys(paramsA), ...Object.keys(paramsB)])].sort();
  const stepNames = [...new Set([...a.steps.map((s) => s.stepName), ...b.steps.map((s) => s.stepName)])];
  const appendRow = (run: RunRow, name: string) => {
    const step = run.steps.find((s) => s.stepName === name);
    return step ? parseColumn(StoredStepOutput, step.config, `Config of step ${name}`).outputAction === "append_row" : false;
  };
  const outputStep = stepName ?? [...stepNames].reverse().find((n) => appendRow(a, n) && appendRow(b, n));
  if (stepName && !stepNames.includes(stepName)) throw invalid(`Neither run has a step '${stepName}' (steps: ${stepNames.join(", ")})`);

  let note: string | undefined;
  let columns: string[] = [];
  let changed: ReturnType<typeof changedRows> = [];
  let compared = 0;
  if (!outputStep) note = "Neither step writes an append_row output in both runs: there are no rows to compare.";
  else {
    try {
      const [outA, outB] = await Promise.all([outputByKey(db, aId, outputStep), outputByKey(db, bId, outputStep)]);
      columns = outB.columns.length ? outB.columns : outA.columns;
      changed = changedRows(outA.rows, outB.rows);
      compared = new Set([...outA.rows.keys(), ...outB.rows.keys()]).size;
    } catch (error) {
      note = errorMessage(error);
    }
  }
  const view = (run: RunRow, params: RunParameters) => ({
    id: run.id,
    status: run.status,
    version: run.pipelineVersion.version,
    experimentName: run.experimentName,
    createdAt: run.createdAt.toISOString(),
    ...(seconds(run.startedAt, run.endedAt) !== undefined ? { seconds: seconds(run.startedAt, run.endedAt)! } : {}),
    parameters: params,
  });
  return {
    pipeline: a.pipeline.name,
    a: view(a, paramsA),
    b: view(b, paramsB),
    parameters: names.map((name) => ({ name, a: shown(paramsA[name]), b: shown(paramsB[name]), changed: shown(paramsA[name]) !== shown(paramsB[name]) })),
    steps: stepNames.map((name) => {
      const sa = a.steps.find((s) => s.stepName === name);
      const sb = b.steps.find((s) => s.stepName === name);
      return { name, ...(sa ? { a: figures(sa) } : {}), ...(sb ? { b: figures(sb) } : {}) };
    }),
    ...(outputStep ? { outputStep, key: columns[0] } : {}),
    columns,
    changed: changed.slice(0, limit),
    changedTotal: changed.length,
    compared,
    ...(note ? { note } : {}),
  };
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** The changed rows as CSV: the key, then each column as it was in run a and in run b. */
export async function comparisonCsv(db: Db, aId: string, bId: string, stepName?: string): Promise<string> {
  const c = await compareRuns(db, aId, bId, stepName, Number.MAX_SAFE_INTEGER);
  if (!c.outputStep || c.note) throw invalid(c.note ?? "There are no output rows to compare");
  const rest = c.columns.slice(1);
  const header = [c.key ?? "key", "change", ...rest.flatMap((col) => [`${col} (${c.a.id})`, `${col} (${c.b.id})`])];
  const lines = [
    header,
    ...c.changed.map((r) => [
      r.key,
      r.a && r.b ? "changed" : r.a ? "only in a" : "only in b",
      ...rest.flatMap((_, i) => [r.a?.[i + 1] ?? "", r.b?.[i + 1] ?? ""]),
    ]),
  ];
  return `${lines.map((l) => l.map(csvCell).join(",")).join("\n")}\n`;
}
