import { PipelineDefinition } from "../contracts/pipeline";
import { WorkersEvent } from "../contracts/run-events";
import { MAX_TIMING_BARS, type MiniBatchBar, type RunGraphJson, type StepTimingJson } from "../contracts/run-insights";
import type { Db } from "../db/client";
import { notFound } from "../errors";
import { definitionToCanvas } from "../pipeline/canvas";

/**
 * The run page's graph (the pipeline version as the designer draws it) and a step's mini-batch
 * timings (durations, and a timeline with one lane per worker process).
 */

export async function runGraph(db: Db, runId: string): Promise<RunGraphJson> {
  const run = await db.pipelineRun.findUnique({
    where: { id: runId },
    include: { steps: { select: { stepName: true, reusedFromStepId: true } }, pipeline: { select: { name: true } }, pipelineVersion: true },
  });
  if (!run) throw notFound(`Run '${runId}' not found: it may have been deleted`);
  const definition = PipelineDefinition.parse(JSON.parse(run.pipelineVersion.definition));
  const canvas = definitionToCanvas(definition);
  const reusedIds = run.steps.flatMap((s) => (s.reusedFromStepId ? [s.reusedFromStepId] : []));
  const sources = reusedIds.length ? await db.stepRun.findMany({ where: { id: { in: reusedIds } }, select: { id: true, runId: true } }) : [];
  const runOfStep = new Map(sources.map((s) => [s.id, s.runId]));
  const reusedFrom = new Map(run.steps.map((s) => [s.stepName, s.reusedFromStepId ? runOfStep.get(s.reusedFromStepId) : undefined]));
  const nodeOf = new Map(canvas.nodes.flatMap((n) => (n.type === "step" ? [[n.data.name, n.id] as const] : [])));
  return {
    runId,
    pipelineId: run.pipelineId,
    pipeline: run.pipeline.name,
    version: run.pipelineVersion.version,
    canvas,
    steps: definition.steps.map((s) => {
      const from = reusedFrom.get(s.name);
      return { name: s.name, nodeId: nodeOf.get(s.name) ?? "", ...(from ? { reusedFromRun: from } : {}) };
    }),
  };
}

interface TimedBatch {
  idx: number;
  start: number;
  end: number;
  status: string;
  items: number;
}

export async function stepTiming(db: Db, runId: string, stepName: string): Promise<StepTimingJson> {
  const step = await db.stepRun.findUnique({ where: { runId_stepName: { runId, stepName } }, select: { id: true } });
  if (!step) throw notFound(`Run ${runId} has no step '${stepName}' yet`);
  // A finished mini-batch records when it ended and how long its last try took: its start follows.
  const rows = await db.miniBatch.findMany({
    where: { stepRunId: step.id, endedAt: { not: null } },
    select: { idx: true, startedAt: true, endedAt: true, elapsedMs: true, status: true, itemCount: true },
    orderBy: { idx: "asc" },
  });
  const all: TimedBatch[] = rows.map((r) => {
    const end = r.endedAt!.getTime();
    const start = r.elapsedMs !== null ? end - r.elapsedMs : (r.startedAt?.getTime() ?? end);
    return { idx: r.idx, start: Math.min(start, end), end, status: r.status, items: r.itemCount };
  });
  const sampled = all.length > MAX_TIMING_BARS;
  const shown = sampled ? all.filter((_, i) => i % Math.ceil(all.length / MAX_TIMING_BARS) === 0) : all;
  const origin = all.reduce((m, b) => Math.min(m, b.start), Number.POSITIVE_INFINITY);
  const processOf = await processesOfMiniBatches(db, runId, stepName);
  return {
    step: stepName,
    origin: Number.isFinite(origin) ? origin : 0,
    durations: shown.map((b) => b.end - b.start),
    lanes: laneBars(shown, processOf, Number.isFinite(origin) ? origin : 0),
    finished: all.length,
    sampled,
  };
}

/** Which process ran a mini-batch, as the workers events saw it (sampled at every progress flush). */
async function processesOfMiniBatches(db: Db, runId: string, step: string): Promise<Map<number, string>> {
  const rows = await db.runEvent.findMany({ where: { runId, type: "workers" }, orderBy: { id: "desc" }, take: 20_000, select: { payload: true } });
  const seen = new Map<number, string>();
  for (const row of rows) {
    const e = WorkersEvent.safeParse(JSON.parse(row.payload));
    if (!e.success || e.data.step !== step) continue;
    for (const p of e.data.processes) if (p.current !== undefined && !seen.has(p.current)) seen.set(p.current, processLabel(p.nodeId, p.processId));
  }
  return seen;
}

export const processLabel = (nodeId: number, processId: number) => `node ${nodeId} · process ${processId}`;

/**
 * Places mini-batches in lanes: in their process's lane when a workers sample saw it there, else
 * in the first lane free at its start (a mini-batch too short to be sampled ran on some free process).
 */
export function laneBars(batches: TimedBatch[], processOf: Map<number, string>, origin: number): { label: string; bars: MiniBatchBar[] }[] {
  const lanes = new Map<string, { bars: MiniBatchBar[]; busyUntil: number }>();
  const laneOf = (label: string) => {
    let lane = lanes.get(label);
    if (!lane) lanes.set(label, (lane = { bars: [], busyUntil: 0 }));
    return lane;
  };
  const unplaced: TimedBatch[] = [];
  for (const b of [...batches].sort((x, y) => x.start - y.start)) {
    const label = processOf.get(b.idx);
    if (!label) {
      unplaced.push(b);
      continue;
    }
    const lane = laneOf(label);
    lane.bars.push(bar(b, origin));
    lane.busyUntil = Math.max(lane.busyUntil, b.end);
  }
  for (const b of unplaced) {
    const free = [...lanes.entries()].find(([, lane]) => !lane.bars.some((x) => x.start + origin < b.end && b.start < x.end + origin));
    const lane = free ? free[1] : laneOf(`process ${lanes.size + 1}`);
    lane.bars.push(bar(b, origin));
  }
  return [...lanes.entries()]
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([label, lane]) => ({ label, bars: lane.bars.sort((x, y) => x.start - y.start) }));
}

const bar = (b: TimedBatch, origin: number): MiniBatchBar => ({ idx: b.idx, start: b.start - origin, end: b.end - origin, status: b.status, items: b.items });
