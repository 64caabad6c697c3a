import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { LocalAgent, type Assignment, type ProcessEvent, type WorkSource } from "../../lib/engine/agent";
import type { MiniBatchResult } from "../../lib/engine/protocol";
import type { RestartPolicy } from "../../lib/engine/restart-policy";

/** A work source with nothing to hand out that records what the agent reports. */
class Recorder implements WorkSource {
  readonly events: ProcessEvent[] = [];
  readonly completed: MiniBatchResult[] = [];
  readonly givenBack: Assignment[] = [];
  take(): Assignment | undefined {
    return undefined;
  }
  complete(result: MiniBatchResult): void {
    this.completed.push(result);
  }
  giveBack(assignment: Assignment): void {
    this.givenBack.push(assignment);
  }
  processEvent(event: ProcessEvent): void {
    this.events.push(event);
  }
  count(type: ProcessEvent["type"]): number {
    return this.events.filter((e) => e.type === type).length;
  }
}

const work = mkdtempSync(join(tmpdir(), "prs-agent-"));
after(() => rmSync(work, { recursive: true, force: true }));

function agentFor(name: string, code: string, source: WorkSource, restart: Partial<RestartPolicy> = {}): LocalAgent {
  const script = join(work, `${name}.mjs`);
  writeFileSync(script, code);
  return new LocalAgent(
    {
      nodeId: 0,
      processCount: 1,
      runInvocationTimeoutSeconds: 30,
      maxInitFailures: 2,
      environment: { INIT_CALLS: join(work, `${name}.calls`) },
      restart: { initialDelayMs: 20, maxDelayMs: 100, ...restart },
      setup: {
        runId: "agent-test",
        stepName: name,
        entryModule: script,
        entryLabel: `${name}.mjs`,
        loggingLevel: "INFO",
        logDir: join(work, name, "logs"),
        outputDir: join(work, name, "output"),
        segmentsDir: join(work, name, "segments"),
        cacheDir: join(work, name, "cache"),
        sideInputs: {},
        arguments: [],
        datastores: { local: { kind: "local", config: { root: work } } },
        outputAction: "append_row",
      },
    },
    source,
  );
}

const initCalls = (name: string) => {
  const file = join(work, `${name}.calls`);
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").length : 0;
};

const COUNT_INIT = `import { appendFileSync } from "node:fs";
const countInit = () => appendFileSync(process.env.INIT_CALLS, process.pid + "\\n");`;

async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("LocalAgent: init() failures and processes killed from outside", () => {
  test("an idle process killed from outside is started again, charging no mini-batch and no init() try", async () => {
    const source = new Recorder();
    const agent = agentFor("idle", "export function init() {}\nexport function run(b) { return b; }", source);
    agent.start();
    try {
      for (let kill = 1; kill <= 3; kill++) {
        await until(`process ready #${kill}`, () => source.count("process_ready") === kill);
        const pid = agent.processStates()[0]?.pid;
        assert.ok(pid);
        process.kill(pid, "SIGKILL");
      }
      await until("process ready after the last kill", () => source.count("process_ready") === 4);
      const exits = source.events.filter((e) => e.type === "process_exited");
      assert.equal(exits.length, 3);
      assert.ok(exits.every((e) => e.type === "process_exited" && e.signal === "SIGKILL" && !e.expected));
      assert.equal(source.count("process_init_failed"), 0);
      assert.deepEqual(source.completed, []);
      assert.equal(agent.liveProcesses, 1);
    } finally {
      await agent.kill();
    }
  });

  test("a process killed from outside during every init() is retired after maxKillsBeforeReady, saying so", async () => {
    const source = new Recorder();
    const code = `${COUNT_INIT}\nexport function init() { countInit(); process.kill(process.pid, "SIGKILL"); }\nexport function run(b) { return b; }`;
    const agent = agentFor("killed-in-init", code, source, { maxKillsBeforeReady: 4 });
    agent.start();
    try {
      await until("the slot is retired", () => agent.liveProcesses === 0);
      assert.equal(initCalls("killed-in-init"), 4);
      const failures = source.events.filter((e) => e.type === "process_init_failed");
      assert.equal(failures.length, 1);
      assert.match(
        failures[0]!.type === "process_init_failed" ? failures[0]!.error : "",
        /exited \(signal SIGKILL\) before init\(\) finished, 4 times in a row: it was killed from outside/,
      );
    } finally {
      await agent.kill();
    }
  });

  for (const [how, crash, exit] of [
    ["crashes on a signal it raised (SIGABRT)", "process.abort()", /exited \(signal SIGABRT\) before init\(\) finished/],
    ["exits with code 9", "process.exit(9)", /exited \(code 9\) before init\(\) finished/],
  ] as const) {
    test(`a process that ${how} before init() finishes is a failed init(): retired after maxInitFailures`, async () => {
      const name = crash.includes("abort") ? "aborts" : "exits";
      const source = new Recorder();
      const agent = agentFor(name, `${COUNT_INIT}\nexport function init() { countInit(); ${crash}; }\nexport function run(b) { return b; }`, source);
      agent.start();
      try {
        await until("the slot is retired", () => agent.liveProcesses === 0);
        assert.equal(initCalls(name), 2);
        const failures = source.events.flatMap((e) => (e.type === "process_init_failed" ? [e] : []));
        assert.deepEqual(
          failures.map((f) => f.retired),
          [false, true],
        );
        assert.match(failures[1]!.error, exit);
        assert.match(failures[1]!.error, /init\(\) failed 2 times in a row; no more tries/);
      } finally {
        await agent.kill();
      }
    });
  }
});
