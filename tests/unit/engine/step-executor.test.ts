import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ResolvedRunConfig } from "../../../lib/contracts/parallel-run-config";
import type { AttemptStatus } from "../../../lib/contracts/statuses";
import { DeferredSource, type Assignment, type ProcessEvent, type WorkSource } from "../../../lib/engine/agent";
import type { MiniBatchResult } from "../../../lib/engine/protocol";
import { StepExecutor, type Agent, type AttemptRecord, type MiniBatchState, type StepOutcome } from "../../../lib/engine/step-executor";

/**
 * StepExecutor against fake agents: each fake holds what it took from the work source, and the
 * test decides when and how each mini-batch ends. No processes, no timers: every step is explicit.
 */

function makeConfig(overrides: Partial<ResolvedRunConfig> = {}): ResolvedRunConfig {
  return {
    miniBatchSize: 1,
    errorThreshold: -1,
    outputAction: "append_row",
    appendRowFileName: "out.txt",
    nodeCount: 1,
    processCountPerNode: 1,
    runInvocationTimeout: 60,
    initTimeout: 300,
    runMaxTry: 3,
    loggingLevel: "INFO",
    environmentVariables: {},
    ...overrides,
  };
}

function makeMiniBatch(idx: number, overrides: Partial<MiniBatchState> = {}): MiniBatchState {
  const itemCount = overrides.itemCount ?? 1;
  const names = Array.from({ length: itemCount }, (_, n) => `${idx}/${n}.png`);
  return {
    id: `mb_${idx}`,
    idx,
    items: { kind: "files", datastore: "workspace", root: "", names },
    itemCount,
    attempts: 0,
    status: "pending",
    succeeded: 0,
    failed: 0,
    ...overrides,
  };
}

const makeMiniBatches = (count: number, itemCount = 1) => Array.from({ length: count }, (_, idx) => makeMiniBatch(idx, { itemCount }));

/** A node agent that holds up to `capacity` assignments and finishes them when told to. */
class FakeAgent implements Agent {
  readonly held: Assignment[] = [];
  started = false;
  ended: "stopped" | "killed" | undefined;
  liveProcesses = 1;

  constructor(
    private readonly source: WorkSource,
    private readonly capacity = 1,
    readonly nodeId = 0,
  ) {}

  start(): void {
    this.started = true;
    this.pull();
  }

  wake(): void {
    this.pull();
  }

  async stop(): Promise<void> {
    this.ended ??= "stopped";
    this.giveBackAll();
  }

  async kill(): Promise<void> {
    this.ended ??= "killed";
    this.giveBackAll();
  }

  /** Ends the held assignment of mini-batch `idx` with `status` (RUN_DONE: every item succeeded). */
  finish(idx: number, status: AttemptStatus = "RUN_DONE", result: Partial<MiniBatchResult> = {}): void {
    const at = this.held.findIndex((a) => a.idx === idx);
    assert.ok(at >= 0, `agent ${this.nodeId} does not hold mini-batch ${idx} (holds ${this.held.map((a) => a.idx).join(", ")})`);
    const [assignment] = this.held.splice(at, 1);
    const items = assignment!.items.kind === "files" ? assignment!.items.names.length : 0;
    const done = status === "RUN_DONE";
    this.source.complete(
      {
        idx,
        attempt: assignment!.attempt,
        status,
        itemCount: items,
        succeeded: done ? items : 0,
        failed: 0,
        runSeconds: 0,
        totalSeconds: 0,
        itemErrors: [],
        ...(done ? {} : { error: `${status} in ${idx}` }),
        ...result,
      },
      { nodeId: this.nodeId, processId: 0 },
    );
    this.pull();
  }

  heldIdx(): number[] {
    return this.held.map((a) => a.idx);
  }

  private pull(): void {
    if (!this.started || this.ended) return;
    while (this.held.length < this.capacity) {
      const next = this.source.take();
      if (!next) return;
      this.held.push(next);
    }
  }

  private giveBackAll(): void {
    for (const a of this.held.splice(0)) this.source.giveBack(a);
  }
}

class RecordingSink {
  readonly attempts: AttemptRecord[] = [];
  readonly processEvents: ProcessEvent[] = [];
  attempt(record: AttemptRecord): void {
    // The executor keeps mutating its state: keep what it was at the time of the attempt.
    this.attempts.push({ ...record, miniBatch: { ...record.miniBatch } });
  }
  processEvent(event: ProcessEvent): void {
    this.processEvents.push(event);
  }
}

/** An executor over `miniBatches` run by `agentCount` fake agents holding `capacity` each. */
function startStep(
  miniBatches: MiniBatchState[],
  config: Partial<ResolvedRunConfig> = {},
  options: { agents?: number; capacity?: number; planning?: boolean } = {},
) {
  const sink = new RecordingSink();
  const executor = new StepExecutor(makeConfig(config), miniBatches, sink, { planning: options.planning });
  const agents: FakeAgent[] = [];
  let settled: StepOutcome | undefined;
  const outcome = executor
    .run((source) => {
      for (let n = 0; n < (options.agents ?? 1); n++) agents.push(new FakeAgent(source, options.capacity ?? 1, n));
      return agents;
    })
    .then((o) => (settled = o));
  return { executor, sink, agents, agent: () => agents[0]!, outcome, settled: () => settled };
}

/** Lets the executor's asynchronous end (it awaits the agents' stop) settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("StepExecutor: scheduling", () => {
  test("hands mini-batches out in input order, as many as each agent holds, and completes when all succeed", async () => {
    const { agent, agents, outcome, executor } = startStep(makeMiniBatches(5), {}, { agents: 2, capacity: 2 });
    assert.deepEqual(agents[0]!.heldIdx(), [0, 1]);
    assert.deepEqual(agents[1]!.heldIdx(), [2, 3]);
    assert.equal(executor.snapshot().runningMiniBatches, 4);
    agent().finish(1);
    assert.deepEqual(agent().heldIdx(), [0, 4], "the freed place takes the next mini-batch");
    for (const idx of [0, 4]) agents[0]!.finish(idx);
    for (const idx of [2, 3]) agents[1]!.finish(idx);
    const result = await outcome;
    assert.equal(result.status, "completed");
    assert.deepEqual(
      { ...result.counters },
      {
        totalMiniBatches: 5,
        scheduledMiniBatches: 5,
        succeededMiniBatches: 5,
        failedMiniBatches: 0,
        runningMiniBatches: 0,
        totalItems: 5,
        succeededItems: 5,
        failedItems: 0,
        retries: 0,
      },
    );
    assert.ok(
      agents.every((a) => a.ended === "stopped"),
      "a completed step stops its agents gracefully",
    );
  });

  test("a step with nothing to run completes at once without starting agents", async () => {
    const done = makeMiniBatches(2).map((mb) => ({ ...mb, status: "succeeded" as const, attempts: 1, succeeded: 1 }));
    const { agents, outcome } = startStep(done);
    const result = await outcome;
    assert.equal(result.status, "completed");
    assert.equal(agents.length, 0);
    assert.equal(result.counters.succeededItems, 2);
  });

  test("resume: finished mini-batches are counted, never handed out again; only unfinished ones run", async () => {
    const states = [
      makeMiniBatch(0, { status: "succeeded", attempts: 1, succeeded: 3, failed: 1, itemCount: 4 }),
      makeMiniBatch(1, { status: "failed", attempts: 3, itemCount: 2 }),
      makeMiniBatch(2, { status: "running", attempts: 1 }),
      makeMiniBatch(3),
    ];
    const { agent, outcome, executor } = startStep(states, {}, { capacity: 4 });
    assert.deepEqual(agent().heldIdx(), [2, 3]);
    const before = executor.snapshot();
    assert.equal(before.totalMiniBatches, 4);
    assert.equal(before.succeededItems, 3);
    assert.equal(before.failedItems, 1 + 2, "items failed inside a finished mini-batch plus every item of a failed one");
    agent().finish(2);
    agent().finish(3);
    const result = await outcome;
    assert.equal(result.status, "completed");
    assert.equal(states[2]!.attempts, 2, "the interrupted try counts: this is its second");
  });
});

describe("StepExecutor: retries and thresholds", () => {
  test("a failed try is retried first, until run_max_try; then the mini-batch fails and the step goes on", async () => {
    const { agent, sink, outcome, executor } = startStep(makeMiniBatches(2), { runMaxTry: 2 });
    agent().finish(0, "RUN_EXCEPTION");
    assert.deepEqual(agent().heldIdx(), [0], "the retry goes before mini-batch 1");
    assert.equal(executor.snapshot().retries, 1);
    agent().finish(0, "PROCESS_DIED");
    assert.deepEqual(agent().heldIdx(), [1]);
    agent().finish(1);
    const result = await outcome;
    assert.equal(result.status, "completed");
    assert.equal(result.counters.failedMiniBatches, 1);
    assert.equal(result.counters.failedItems, 1);
    assert.equal(result.counters.retries, 1);
    assert.deepEqual(
      sink.attempts.map((a) => [a.result.idx, a.result.attempt, a.result.status, a.willRetry]),
      [
        [0, 1, "RUN_EXCEPTION", true],
        [0, 2, "PROCESS_DIED", false],
        [1, 1, "RUN_DONE", false],
      ],
    );
    assert.equal(sink.attempts[1]!.miniBatch.status, "failed");
    assert.equal(sink.attempts[1]!.result.failed, 1, "a mini-batch that failed for good counts all its items failed");
  });

  test("error_threshold: the step aborts as soon as more items failed than allowed, and kills its agents", async () => {
    const { agents, outcome } = startStep(makeMiniBatches(6, 5), { errorThreshold: 4 }, { agents: 2 });
    agents[0]!.finish(0, "RUN_DONE", { succeeded: 3, failed: 2 });
    agents[1]!.finish(1, "RUN_DONE", { succeeded: 4, failed: 1 });
    assert.equal(agents[0]!.ended, undefined, "3 failed items are within the threshold");
    agents[0]!.finish(2, "RUN_DONE", { succeeded: 3, failed: 2 });
    const result = await outcome;
    assert.equal(result.status, "failed");
    assert.equal(result.status === "failed" && result.reason, "The job was aborted: 5 items failed, more than error_threshold 4.");
    assert.ok(agents.every((a) => a.ended === "killed"));
    assert.equal(result.counters.runningMiniBatches, 0, "work in flight goes back to pending for resume");
  });

  test("error_threshold -1 ignores failed items", async () => {
    const { agent, outcome } = startStep(makeMiniBatches(2, 3), { errorThreshold: -1, runMaxTry: 1 });
    agent().finish(0, "RUN_EXCEPTION");
    agent().finish(1, "RUN_DONE", { succeeded: 0, failed: 3 });
    const result = await outcome;
    assert.equal(result.status, "completed");
    assert.equal(result.counters.failedItems, 6);
  });

  test("allowed_failed_count: the step aborts when one more mini-batch fails for good", async () => {
    const { agent, outcome } = startStep(makeMiniBatches(4), { runMaxTry: 1, allowedFailedCount: 1 });
    agent().finish(0, "RUN_TIMEOUT");
    agent().finish(1);
    assert.equal(agent().ended, undefined);
    agent().finish(2, "RUN_EXCEPTION");
    const result = await outcome;
    assert.equal(result.status, "failed");
    assert.match(result.status === "failed" ? result.reason : "", /2 mini-batches failed, more than allowed_failed_count 1/);
  });

  test("allowed_failed_percent is checked only once every mini-batch has been scheduled", async () => {
    const { agent, outcome } = startStep(makeMiniBatches(3), { runMaxTry: 1, allowedFailedPercent: 10 });
    agent().finish(0, "RUN_EXCEPTION");
    assert.equal(agent().ended, undefined, "1 of 3 failed, but mini-batch 2 was not scheduled yet");
    agent().finish(1);
    agent().finish(2);
    const result = await outcome;
    assert.equal(result.status, "failed");
    assert.match(result.status === "failed" ? result.reason : "", /33\.3% of mini-batches failed, more than allowed_failed_percent 10/);
  });

  test("allowed_failed_percent waits for planning to end, whatever has been scheduled", async () => {
    const { agent, executor, outcome } = startStep([], { runMaxTry: 1, allowedFailedPercent: 10 }, { planning: true });
    executor.add([makeMiniBatch(0), makeMiniBatch(1)]);
    agent().finish(0, "RUN_EXCEPTION");
    agent().finish(1);
    assert.equal(agent().ended, undefined, "while planning, the total is not known");
    executor.planningDone();
    const result = await outcome;
    assert.match(result.status === "failed" ? result.reason : "", /50\.0% of mini-batches failed/);
  });

  test("a storage error stops the step without counting the try; the mini-batch stays pending for resume", async () => {
    const states = makeMiniBatches(2);
    const { agent, sink, outcome } = startStep(states);
    agent().finish(0, "STORAGE_ERROR", { error: "ENOSPC: no space left on device" });
    const result = await outcome;
    assert.equal(result.status, "failed");
    assert.match(result.status === "failed" ? result.reason : "", /an output could not be written: ENOSPC: no space left on device; free space/);
    assert.equal(states[0]!.status, "pending");
    assert.equal(states[0]!.attempts, 0);
    assert.deepEqual([sink.attempts[0]!.result.succeeded, sink.attempts[0]!.result.failed, sink.attempts[0]!.willRetry], [0, 0, false]);
    assert.equal(agent().ended, "killed");
  });
});

describe("StepExecutor: planning, cancel and the work source contract", () => {
  test("planning in chunks: mini-batches run as they are added; the step cannot end before planningDone()", async () => {
    const { agent, executor, settled } = startStep([], {}, { planning: true, capacity: 2 });
    assert.equal(agent().started, true);
    assert.deepEqual(agent().heldIdx(), []);
    executor.add([makeMiniBatch(0), makeMiniBatch(1)]);
    assert.deepEqual(agent().heldIdx(), [0, 1], "an add wakes the agents");
    agent().finish(0);
    agent().finish(1);
    await settle();
    assert.equal(settled(), undefined, "everything planned so far is done, but planning is not");
    executor.add([makeMiniBatch(2)]);
    agent().finish(2);
    executor.planningDone();
    await settle();
    assert.equal(settled()?.status, "completed");
    assert.equal(settled()?.counters.totalMiniBatches, 3);
  });

  test("planningDone() with every planned mini-batch finished completes the step", async () => {
    const { agent, executor, outcome } = startStep([], {}, { planning: true });
    executor.add([makeMiniBatch(0)]);
    agent().finish(0);
    executor.planningDone();
    assert.equal((await outcome).status, "completed");
  });

  test("cancel ends the step at once with the reason, kills the agents and leaves unfinished work pending", async () => {
    const states = makeMiniBatches(3);
    const { agent, executor, outcome } = startStep(states, {}, { capacity: 2 });
    agent().finish(0);
    executor.cancel("The run was cancelled.");
    const result = await outcome;
    assert.deepEqual([result.status, result.status === "cancelled" && result.reason], ["cancelled", "The run was cancelled."]);
    assert.equal(agent().ended, "killed");
    assert.deepEqual(
      states.map((s) => s.status),
      ["succeeded", "pending", "pending"],
    );
    assert.equal(executor.take(), undefined, "nothing is handed out after the end");
    executor.cancel("again");
    executor.fail("and again");
    assert.equal((await outcome).status, "cancelled", "the first end wins");
  });

  test("work given back (its process went away before starting it) is handed out again first, the try not counted", async () => {
    const states = makeMiniBatches(3);
    const { agents, executor, outcome } = startStep(states, {}, { agents: 2 });
    const [given] = agents[0]!.held.splice(0);
    executor.giveBack(given!);
    assert.deepEqual(agents[0]!.heldIdx(), [0], "a give-back wakes the agents, and it goes before mini-batch 2");
    assert.equal(states[0]!.attempts, 1, "still its first try");
    assert.equal(executor.snapshot().scheduledMiniBatches, 2);
    agents[0]!.finish(0);
    agents[1]!.finish(1);
    agents[0]!.finish(2);
    const result = await outcome;
    assert.equal(result.status, "completed");
    assert.equal(result.counters.retries, 0);
  });

  test("stale results (an earlier attempt, or a mini-batch not running) are ignored", async () => {
    const states = makeMiniBatches(1);
    const { agent, executor, sink, outcome } = startStep(states, { runMaxTry: 3 });
    agent().finish(0, "RUN_EXCEPTION");
    const late = { idx: 0, attempt: 1, status: "RUN_DONE" as const, itemCount: 1, succeeded: 1, failed: 0, runSeconds: 0, totalSeconds: 0, itemErrors: [] };
    executor.complete(late, { nodeId: 0, processId: 0 });
    executor.giveBack({ idx: 0, attempt: 1, items: states[0]!.items });
    assert.equal(sink.attempts.length, 1);
    assert.equal(states[0]!.attempts, 2);
    agent().finish(0);
    const result = await outcome;
    assert.equal(result.counters.succeededMiniBatches, 1);
    assert.equal(result.counters.retries, 1);
  });

  test("init() failing in every process fails the step with the last error; process events reach the sink", async () => {
    const { agent, executor, sink, outcome } = startStep(makeMiniBatches(1));
    const where = { nodeId: 0, processId: 0 };
    executor.processEvent({ type: "process_init_failed", where, error: "model not found", retired: false });
    assert.equal(agent().ended, undefined, "a slot that will try again keeps the step going");
    agent().liveProcesses = 0;
    executor.processEvent({ type: "process_init_failed", where, error: "model still not found", retired: true });
    const result = await outcome;
    assert.equal(result.status, "failed");
    assert.equal(result.status === "failed" && result.reason, "init() failed in every worker process: model still not found");
    assert.equal(sink.processEvents.length, 2);
  });

  test("an attempt reports the worker's item count for files it could not list in advance", async () => {
    const { agent, outcome, executor } = startStep([makeMiniBatch(0, { itemCount: 0 })]);
    agent().finish(0, "RUN_DONE", { itemCount: 7, succeeded: 7 });
    assert.equal(executor.snapshot().succeededItems, 7);
    assert.equal((await outcome).status, "completed");
  });
});

describe("DeferredSource", () => {
  test("before attach it hands out nothing and keeps process events; attach forwards them in order", () => {
    const relay = new DeferredSource();
    const where = { nodeId: 0, processId: 1 };
    assert.equal(relay.take(), undefined);
    relay.processEvent({ type: "process_ready", where });
    relay.processEvent({ type: "process_exited", where, code: 0, signal: null, expected: true });
    const sink = new RecordingSink();
    const executor = new StepExecutor(makeConfig(), makeMiniBatches(1), sink);
    relay.attach(executor);
    assert.deepEqual(
      sink.processEvents.map((e) => e.type),
      ["process_ready", "process_exited"],
    );
    assert.equal(relay.take()?.idx, 0, "after attach, work comes from the executor");
  });
});
