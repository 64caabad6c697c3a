import type { Db } from "../db/client";
import {
  AttemptEvent,
  ProgressEvent,
  RunParameters,
  type StepCounters,
  WorkersEvent,
  type RunSnapshot,
  type RunEvent,
  type ThroughputPoint,
} from "../contracts/run-events";
import { PipelineDefinition } from "../contracts/pipeline";
import { StoredStepOutput } from "../contracts/parallel-run-config";
import { parseColumn } from "../db/columns";
import { insertRunEvents } from "../engine/db-events";
import { notFound } from "../errors";

export interface StoredEventRow {
  id: number;
  payload: string;
}

/** Appends events written by the server itself (cancel, resume, retry), stamped now. */
export async function appendRunEvents(db: Db, events: RunEvent[]): Promise<void> {
  await insertRunEvents(
    db,
    events.map((e) => ({ runId: e.runId, type: e.type, payload: JSON.stringify({ ...e, at: Date.now() }) })),
  );
}

export async function readEventsAfter(db: Db, runId: string, afterId: number, take = 1000): Promise<StoredEventRow[]> {
  return db.runEvent.findMany({ where: { runId, id: { gt: afterId } }, orderBy: { id: "asc" }, take, select: { id: true, payload: true } });
}

export async function lastEventId(db: Db, runId: string): Promise<number> {
  const row = await db.runEvent.findFirst({ where: { runId }, orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0;
}

const MAX_THROUGHPUT_POINTS = 240;
const MAX_FAILURES = 300;

/**
 * The current state of a run for a fresh viewer. The last event id is read first: anything
 * stored after it is streamed next, and since events carry absolute values, an event that is
 * both in the snapshot's rows and streamed again changes nothing.
 */
export async function buildSnapshot(db: Db, runId: string): Promise<RunSnapshot> {
  const upTo = await lastEventId(db, runId);
  const run = await db.pipelineRun.findUnique({
    where: { id: runId },
    include: { steps: true, pipeline: { select: { name: true } }, pipelineVersion: { select: { version: true, definition: true } } },
  });
  if (!run) throw notFound(`Run '${runId}' not found: it may have been deleted`);
  const definition = PipelineDefinition.parse(JSON.parse(run.pipelineVersion.definition));

  const [progressRows, workerRows, failureRows] = await Promise.all([
    db.runEvent.findMany({ where: { runId, type: "progress", id: { lte: upTo } }, orderBy: { id: "asc" }, select: { payload: true } }),
    db.runEvent.findMany({ where: { runId, type: "workers", id: { lte: upTo } }, orderBy: { id: "desc" }, take: 20, select: { payload: true } }),
    db.runEvent.findMany({ where: { runId, type: "attempt", id: { lte: upTo } }, orderBy: { id: "desc" }, take: MAX_FAILURES, select: { payload: true } }),
  ]);
  const latestProgress = new Map<string, ProgressEvent>();
  const throughput: Record<string, ThroughputPoint[]> = {};
  for (const row of progressRows) {
    const e = ProgressEvent.safeParse(JSON.parse(row.payload));
    if (!e.success) continue;
    latestProgress.set(e.data.step, e.data);
    (throughput[e.data.step] ??= []).push({
      at: e.data.at,
      items: e.data.counters.succeededItems + e.data.counters.failedItems,
      itemsPerSecond: e.data.itemsPerSecond,
    });
  }
  for (const [step, points] of Object.entries(throughput)) throughput[step] = downsample(points, MAX_THROUGHPUT_POINTS);
  const workers: Record<string, WorkersEvent["processes"]> = {};
  for (const row of workerRows) {
    const e = WorkersEvent.safeParse(JSON.parse(row.payload));
    if (e.success && !workers[e.data.step]) workers[e.data.step] = e.data.processes;
  }
  const failures = failureRows
    .map((r) => AttemptEvent.safeParse(JSON.parse(r.payload)))
    .flatMap((r) => (r.success ? [r.data] : []))
    .reverse();

  const rows = new Map(run.steps.map((s) => [s.stepName, s]));
  const running = run.status === "running" || run.status === "cancelling";
  return {
    type: "snapshot",
    run: {
      id: run.id,
      pipeline: run.pipeline.name,
      pipelineVersion: run.pipelineVersion.version,
      experimentName: run.experimentName,
      status: run.status,
      statusReason: run.statusReason,
      parameters: parseColumn(RunParameters, run.parameters, `Parameters of run ${run.id}`),
      createdBy: run.createdBy,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      endedAt: run.endedAt?.toISOString() ?? null,
    },
    steps: definition.steps.map((def) => {
      const row = rows.get(def.name);
      const progress = latestProgress.get(def.name);
      const config = row ? parseColumn(StoredStepOutput, row.config, `Config of step ${row.stepName}`) : undefined;
      const counters: StepCounters = {
        totalMiniBatches: row?.totalMiniBatches ?? 0,
        scheduledMiniBatches: progress?.counters.scheduledMiniBatches ?? (row ? row.succeededMiniBatches + row.failedMiniBatches : 0),
        succeededMiniBatches: row?.succeededMiniBatches ?? 0,
        failedMiniBatches: row?.failedMiniBatches ?? 0,
        runningMiniBatches: running && row?.status === "running" ? (progress?.counters.runningMiniBatches ?? 0) : 0,
        totalItems: row?.totalItems ?? 0,
        succeededItems: row?.succeededItems ?? 0,
        failedItems: row?.failedItems ?? 0,
        retries: row?.retries ?? 0,
      };
      return {
        name: def.name,
        dependsOn: def.inputs.flatMap((i) => ("step" in i ? [i.step] : [])),
        status: row?.status ?? "pending",
        statusReason: row?.statusReason ?? null,
        counters,
        itemsPerSecond: running ? (progress?.itemsPerSecond ?? 0) : 0,
        etaSeconds: running ? progress?.etaSeconds : undefined,
        startedAt: row?.startedAt?.toISOString() ?? null,
        endedAt: row?.endedAt?.toISOString() ?? null,
        outputAction: config?.outputAction,
        appendRowFileName: config?.appendRowFileName,
      };
    }),
    workers,
    throughput,
    failures,
    lastEventId: upTo,
  };
}

function downsample<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * step)]!);
  out.push(points[points.length - 1]!);
  return out;
}

export type EventListener = (rows: StoredEventRow[]) => void;

interface Subscriber {
  listener: EventListener;
  cursor: number;
  /** Rows polled while the subscriber was catching up from the database. */
  queued: StoredEventRow[] | null;
}

/**
 * One poller per watched run in this server process: however many viewers a run has, the
 * database sees one `id > last` query per interval. New viewers catch up from their own
 * Last-Event-ID first, then receive what the poller reads; their cursor drops duplicates.
 */
class RunPoller {
  private readonly subscribers = new Set<Subscriber>();
  private lastId = 0;
  private timer?: NodeJS.Timeout;
  private readonly ready: Promise<void>;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly runId: string,
    intervalMs: number,
    private readonly onIdle: () => void,
  ) {
    this.ready = lastEventId(db, runId).then((id) => {
      this.lastId = id;
      if (!this.stopped) this.timer = setInterval(() => void this.poll(), intervalMs);
    });
  }

  async subscribe(afterId: number, listener: EventListener): Promise<() => void> {
    const sub: Subscriber = { listener, cursor: afterId, queued: [] };
    this.subscribers.add(sub);
    const unsubscribe = () => {
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0) this.stop();
    };
    try {
      await this.ready;
      for (;;) {
        const rows = await readEventsAfter(this.db, this.runId, sub.cursor);
        this.deliver(sub, rows);
        if (rows.length < 1000) break;
      }
      const queued = sub.queued ?? [];
      sub.queued = null;
      this.deliver(sub, queued);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  get viewers(): number {
    return this.subscribers.size;
  }

  private deliver(sub: Subscriber, rows: StoredEventRow[]): void {
    const fresh = rows.filter((r) => r.id > sub.cursor);
    if (!fresh.length) return;
    sub.cursor = fresh[fresh.length - 1]!.id;
    sub.listener(fresh);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (;;) {
        const rows = await readEventsAfter(this.db, this.runId, this.lastId);
        if (!rows.length) break;
        this.lastId = rows[rows.length - 1]!.id;
        for (const sub of this.subscribers) {
          if (sub.queued) sub.queued.push(...rows);
          else this.deliver(sub, rows);
        }
        if (rows.length < 1000) break;
      }
    } catch {
      /* the next poll retries */
    } finally {
      this.polling = false;
    }
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.onIdle();
  }
}

export class RunEventHub {
  private readonly pollers = new Map<string, RunPoller>();

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 200,
  ) {}

  /** Calls `listener` with every event of the run after `afterId`, in order, each once. */
  subscribe(runId: string, afterId: number, listener: EventListener): Promise<() => void> {
    let poller = this.pollers.get(runId);
    if (!poller) {
      const created = new RunPoller(this.db, runId, this.intervalMs, () => {
        if (this.pollers.get(runId) === created) this.pollers.delete(runId);
      });
      poller = created;
      this.pollers.set(runId, poller);
    }
    return poller.subscribe(afterId, listener);
  }

  viewers(runId: string): number {
    return this.pollers.get(runId)?.viewers ?? 0;
  }
}

const hubs = new WeakMap<Db, RunEventHub>();

/** The hub of this process for a database client. */
export function runEventHub(db: Db): RunEventHub {
  let hub = hubs.get(db);
  if (!hub) {
    hub = new RunEventHub(db);
    hubs.set(db, hub);
  }
  return hub;
}
